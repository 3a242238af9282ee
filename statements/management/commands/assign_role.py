from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from statements import languages, roles
from statements.models import StaffProfile


class Command(BaseCommand):
    help = (
        "Give a user an editorial role (Editor, Translator or Publisher) and, for translators, "
        "the languages they translate into. Makes the user staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[roles.EDITOR, roles.TRANSLATOR, roles.PUBLISHER])
        parser.add_argument(
            "--languages", default="", help="Comma list of language codes the user translates into, e.g. fa,ar."
        )
        parser.add_argument("--remove", action="store_true", help="Take the role away instead.")

    @transaction.atomic
    def handle(self, *args, username, role, languages: str, remove: bool, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        group = Group.objects.get(name=role)
        codes = [code.strip() for code in languages.split(",") if code.strip()]
        unknown = [code for code in codes if code not in languages_enabled()]
        if unknown:
            raise CommandError(
                f"Not enabled languages: {', '.join(unknown)}. Enabled: {', '.join(languages_enabled())}."
            )
        if remove:
            user.groups.remove(group)
            self.stdout.write(self.style.SUCCESS(f"{username} is no longer {role}."))
            return
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if codes:
            profile, _ = StaffProfile.objects.get_or_create(user=user)
            profile.languages = sorted(set(profile.languages) | set(codes))
            profile.save()
        self.stdout.write(
            self.style.SUCCESS(f"{username} is {role}" + (f" for {', '.join(codes)}." if codes else "."))
        )


def languages_enabled():
    return languages.enabled_codes()
