from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "heard.circles"
    label = "circles"
    verbose_name = "Listening circles"
