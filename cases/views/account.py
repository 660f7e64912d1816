"""A staff member's own account: where they start, two-factor authentication, the password,
staying logged in."""

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.access import is_staff_member
from cases.audit import audit_record
from cases.models import AuditEvent
from cases.security import two_factor_setup_required

DEVICE_NAME = "Authenticator app"


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's length enforced before authentication: an
    over-long name never reaches the backends (django-axes stores it in a 255-character
    column, which PostgreSQL would refuse)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def home_for(user) -> str:
    """Where a user's work starts, the one rule: Today (the day's worklist; the team's for a
    supervisor) for a social worker or supervisor, the admin for an administrator who is on no
    team, and for anyone else a page saying an administrator must add them to a team."""
    if is_staff_member(user):
        return reverse("today")
    if user.is_active and user.is_staff:
        return reverse("admin:index")
    return reverse("no_team")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page (`/`, after logging in, the admin's *View site*): where the role works."""
    return redirect(home_for(request.user))


@login_required
def no_team(request: HttpRequest) -> HttpResponse:
    """A user on no care team: nothing to see yet, and who can change that."""
    if home_for(request.user) != reverse("no_team"):
        return redirect("home")
    return render(request, "registration/no_team.html")


def _next_url(request: HttpRequest) -> str:
    """Where to go afterwards: a path on this site, else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn on TOTP: scan the code (or type the key), then prove it with one token."""
    if user_has_device(request.user, confirmed=True):
        return render(request, "registration/two_factor_on.html", {"next": _next_url(request)})
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(
                action=AuditEvent.Action.UPDATE,
                actor=request.user,
                obj=request.user,
                changes={"two_factor": ["off", "on"]},
            )
            messages.success(request, "Two-factor authentication is on.")
            return HttpResponseRedirect(_next_url(request))
        form.add_error("token", "That code did not match. Codes change every 30 seconds.")
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code"),
        "secret": b32encode(device.bin_key).decode(),
        "required": two_factor_setup_required(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/two_factor_setup.html", context, status=_status(request))


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in, for a user who has turned two-factor on."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        audit_record(
            action=AuditEvent.Action.LOGIN_FAILED,
            actor=request.user,
            obj=request.user,
            changes={"two_factor": "wrong code"},
        )
        form.add_error("token", "That code did not match. Codes change every 30 seconds.")
    context = {"form": form, "next": _next_url(request)}
    return render(request, "registration/two_factor_verify.html", context, status=_status(request))


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@require_POST
@login_required
def keepalive(request: HttpRequest) -> HttpResponse:
    """'Stay logged in': any request resets the idle clock; this one does nothing else."""
    if request.headers.get("Accept") == "application/json":
        return HttpResponse(status=204)
    return HttpResponseRedirect(_next_url(request))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view keeps this session; every other session of the user ends, because their
    stored password hash no longer matches. The change is recorded in the audit trail."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditEvent.Action.UPDATE,
            actor=self.request.user,
            obj=self.request.user,
            changes={"password": ["old", "new"]},
        )
        return response
