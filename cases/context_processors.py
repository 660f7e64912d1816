from cases.access import is_social_worker, is_supervisor


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_supervisor": False, "is_social_worker": False}
    return {"is_supervisor": is_supervisor(user), "is_social_worker": is_social_worker(user)}
