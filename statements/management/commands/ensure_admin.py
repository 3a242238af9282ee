import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser when none exists and print its generated password once. "
        "Does nothing when a superuser already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="Username of the account (default: admin).")
        parser.add_argument("--email", default="admin@example.invalid", help="E-mail address of the account.")

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser already exists; nothing to do.")
            return
        password = secrets.token_urlsafe(15)
        User.objects.create_superuser(options["username"], options["email"], password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created superuser “{options['username']}” with password: {password}\n"
                "This password is shown only once. Change it with `manage.py changepassword`."
            )
        )
