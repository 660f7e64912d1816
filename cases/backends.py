"""Authentication that loads a user's care-team groups in the same query as the user.

Every staff page asks whether the user is a social worker or a supervisor; answering from two
EXISTS columns on the user's own row saves a query on every request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from cases.access import CARE_TEAM_GROUPS, remember_group_names


class CareTeamBackend(ModelBackend):
    def get_user(self, user_id):
        in_group = {
            f"in_group_{number}": Exists(Group.objects.filter(user=OuterRef("pk"), name=name))
            for number, name in enumerate(CARE_TEAM_GROUPS)
        }
        user = get_user_model()._default_manager.annotate(**in_group).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_group_names(
            user,
            {
                name
                for number, name in enumerate(CARE_TEAM_GROUPS)
                if getattr(user, f"in_group_{number}")
            },
        )
        return user
