from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = "Postmortems"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from postmortems import checks  # noqa: F401  (registers the system checks)
        from postmortems.search import synonyms  # noqa: F401  (connects its cache's signal receivers)
