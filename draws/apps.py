from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrawsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "draws"
    verbose_name = _("Express Entry rounds")  # the admin's section title ("Draws" said nothing to staff)

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from draws.models import Category
        from draws.selectors import category_names_after_migrate, forget_category_names, new_categories_token

        # The French category names every page reads (draws.selectors.category_names_fr) follow an
        # admin's edit, an import of the lists and every migrate.
        post_save.connect(forget_category_names, sender=Category, dispatch_uid="draws-category-names-save")
        post_delete.connect(forget_category_names, sender=Category, dispatch_uid="draws-category-names-del")
        post_migrate.connect(category_names_after_migrate, sender=self,
                             dispatch_uid="draws-category-names-migrate")
        # A category's occupations changed (the admin's list, an import's .set()): pages cached under
        # the categories token (the client page's eligibility panel) are computed again.
        m2m_changed.connect(lambda **kwargs: new_categories_token(), sender=Category.nocs.through, weak=False,
                            dispatch_uid="draws-category-nocs-token")
