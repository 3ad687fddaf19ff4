from django.apps import AppConfig


class TomsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "toms"
