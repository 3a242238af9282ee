from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Give a staff member an authenticator (TOTP) for two-factor sign-in and print the "
        "otpauth:// address to add to their authenticator app (as text, or as a QR code "
        "with --qr). Used when PRESSOFFICE_REQUIRE_2FA is on."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff member's username.")
        parser.add_argument("--name", default="authenticator", help="A name for the device (default: authenticator).")
        parser.add_argument("--replace", action="store_true", help="Remove the user's existing authenticators first.")
        parser.add_argument("--qr", action="store_true", help="Also print the address as a QR code in the terminal.")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        if options["replace"]:
            TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=options["name"], confirmed=True)
        self.stdout.write(f"Authenticator added for {user.username}. Add this address to the authenticator app:")
        self.stdout.write(device.config_url)
        if options["qr"]:
            import segno

            segno.make(device.config_url).terminal(out=self.stdout, compact=True)
        self.stdout.write("Keep it secret: anyone with it can make sign-in codes.")
