from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "pursuing_equity.teams"
    label = "teams"
    verbose_name = "Teams and small cohorts"

    def ready(self) -> None:
        # accounts sits below teams, so revoking a role reaches team memberships through its hook.
        from pursuing_equity.accounts.services import role_revoke_effect_register
        from pursuing_equity.teams.services import on_role_revoked

        role_revoke_effect_register(on_role_revoked)
