from django.apps import AppConfig


class DrillsConfig(AppConfig):
    name = "heard.drills"
    label = "drills"
    verbose_name = "Drills"
