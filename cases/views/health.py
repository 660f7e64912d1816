"""`/healthz` for load balancers: 200 when the database and the broker answer, else 503."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results = health.checks()
    return JsonResponse(
        {name: "ok" if ok else "unavailable" for name, ok in results.items()},
        status=200 if all(results.values()) else 503,
    )
