from django.apps import AppConfig


class PulseConfig(AppConfig):
    name = "heard.pulse"
    label = "pulse"
    verbose_name = "Pulse"
