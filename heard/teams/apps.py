from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "heard.teams"
    label = "teams"
    verbose_name = "Teams"
