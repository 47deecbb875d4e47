from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "heard.web"
    label = "web"
    verbose_name = "Heard studio"
