from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrawsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "draws"
    verbose_name = _("Express Entry rounds")  # the admin's section title ("Draws" said nothing to staff)

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from draws.models import Category
        from draws.selectors import category_names_after_migrate, forget_category_names

        # The French category names every page reads (draws.selectors.category_names_fr) follow an
        # admin's edit, an import of the lists and every migrate.
        post_save.connect(forget_category_names, sender=Category, dispatch_uid="draws-category-names-save")
        post_delete.connect(forget_category_names, sender=Category, dispatch_uid="draws-category-names-del")
        post_migrate.connect(category_names_after_migrate, sender=self,
                             dispatch_uid="draws-category-names-migrate")
