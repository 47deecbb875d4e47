from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "heard.journal"
    label = "journal"
    verbose_name = "Journal"
