from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.views import account
from cases.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", account.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=account.LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/no-team/", account.no_team, name="no_team"),
    path("accounts/two-factor/", account.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", account.two_factor_verify, name="two_factor_verify"),
    path("accounts/keepalive/", account.keepalive, name="keepalive"),
    path("admin/", admin.site.urls),
    path("", include("cases.urls")),
]

handler400 = "cases.views.errors.bad_request"
handler404 = "cases.views.errors.not_found"
handler500 = "cases.views.errors.server_error"
