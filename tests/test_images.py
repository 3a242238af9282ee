"""The image pipeline against a corpus of good, odd and hostile files made here."""

import io
from pathlib import Path

import html5lib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from PIL import Image as Pillow

from statements import images, workflow
from statements.models import Image, Rendition

from .factories import make_person, make_staff, make_statement, make_user, make_version, review_and_publish
from .pictures import BAD, GOOD, animated_gif, encode, jpeg_upload, jpeg_with_gps, store, stored_files, two_halves

pytestmark = pytest.mark.django_db


def reopen(name: str, storage="private"):
    with storages[storage].open(name) as handle:
        picture = Pillow.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


# Accepted files ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GOOD))
def test_good_files_are_stored_clean(name):
    image = store(name, GOOD[name]())
    original = reopen(image.file.name)
    assert original.format in ("JPEG", "PNG")
    assert original.mode in ("RGB", "RGBA")
    assert not original.getexif() and "exif" not in original.info and "xmp" not in original.info
    assert getattr(original, "n_frames", 1) == 1
    specs = set(image.renditions.values_list("spec", flat=True))
    assert {"w320-jpeg", "w320-webp", "social", "square"} <= specs
    for rendition in image.renditions.all():
        picture = reopen(rendition.file.name)
        assert (picture.width, picture.height) == (rendition.width, rendition.height)
        assert not picture.getexif()


def test_gps_and_camera_metadata_removed_and_orientation_applied():
    data = jpeg_with_gps()
    assert Pillow.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the corpus file has GPS
    image = store("gps.jpg", data)
    original = reopen(image.file.name)
    assert not original.getexif().get_ifd(0x8825)
    assert (image.width, image.height) == (200, 400)  # rotated upright
    with storages["private"].open(image.file.name) as handle:
        assert b"Exif" not in handle.read()


def test_caption_and_credit_read_once_from_metadata():
    image = store("gps.jpg", jpeg_with_gps())
    assert (image.caption, image.credit) == ("Delegations at the table", "Office photographer")
    typed = store("gps.jpg", jpeg_with_gps(), caption="Typed caption")
    assert typed.caption == "Typed caption"


def test_animated_gif_stored_as_its_first_frame():
    image = store("animated.gif", animated_gif())
    red, green, blue = reopen(image.file.name).convert("RGB").getpixel((5, 5))
    assert red > 240 and green < 20 and blue < 20


def test_sixteen_bit_png_keeps_its_tone():
    image = store("sixteen-bit.png", GOOD["sixteen-bit.png"]())
    assert reopen(image.file.name).convert("L").getpixel((3, 3)) == pytest.approx(40000 // 256, abs=2)


def test_width_renditions_never_upscale():
    image = store("small.png", encode(Pillow.new("RGB", (700, 350)), "PNG"))
    widths = dict(image.renditions.values_list("spec", "width"))
    assert widths["w320-jpeg"] == 320 and widths["w640-webp"] == 640
    assert "w1024-jpeg" not in widths and "w1600-webp" not in widths
    assert (widths["social"], widths["square"]) == (1200, 600)


def test_rendition_sizes_of_a_large_photo():
    image = store("photo.webp", GOOD["photo.webp"]())
    sizes = {r.spec: (r.width, r.height) for r in image.renditions.all()}
    assert sizes["w640-jpeg"] == (640, 427) and sizes["w1600-webp"] == (1600, 1067)
    assert sizes["social"] == (1200, 630) and sizes["square"] == (600, 600)


# Refused files -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BAD))
def test_bad_files_refused_with_a_message_and_nothing_stored(name):
    make, message = BAD[name]
    before = stored_files()
    with pytest.raises(ValidationError, match=message):
        images.inspect(jpeg_upload(name, make()))
    assert stored_files() == before and not Image.objects.exists()


@override_settings(PRESSOFFICE_IMAGE_MAX_BYTES=1000)
def test_file_over_the_size_limit_refused():
    with pytest.raises(ValidationError, match="the limit is"):
        images.inspect(jpeg_upload("big.png", GOOD["photo.webp"]()))


@override_settings(PRESSOFFICE_IMAGE_MAX_PIXELS=100_000)
def test_image_over_the_pixel_limit_refused():
    with pytest.raises(ValidationError, match="megapixels"):
        images.inspect(jpeg_upload("wide.png", encode(Pillow.new("RGB", (1000, 200)), "PNG")))


def test_failure_while_storing_leaves_no_partial_file(monkeypatch):
    file = jpeg_upload("photo.webp", GOOD["photo.webp"]())
    inspected = images.inspect(file)
    before = stored_files()
    calls = {"n": 0}
    real_render = images.render

    def failing_render(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(images, "render", failing_render)
    with pytest.raises(OSError, match="disk full"):
        images.store_upload(Image(alt_text="x"), file, inspected)
    assert stored_files() == before


# Focal point ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("focal", "box"),
    [
        ((0.5, 0.5), (500, 0, 1500, 1000)),
        ((0.9, 0.5), (1000, 0, 2000, 1000)),  # clamped at the right edge
        ((0.0, 0.5), (0, 0, 1000, 1000)),
        ((0.6, 0.5), (700, 0, 1700, 1000)),
        ((None, None), (500, 0, 1500, 1000)),
    ],
)
def test_focal_crop_box(focal, box):
    assert images.focal_crop_box(2000, 1000, 600, 600, *focal) == box


def test_social_crop_of_a_tall_image_follows_the_focal_point():
    assert images.focal_crop_box(1000, 3000, 1200, 630, 0.5, 0.05) == (0, 0, 1000, 525)
    assert images.focal_crop_box(1000, 3000, 1200, 630, 0.5, 0.1) == (0, 38, 1000, 563)
    assert images.focal_crop_box(1000, 3000, 1200, 630, 0.5, 0.8) == (0, 2138, 1000, 2663)


def square_colour(image):
    square = image.renditions.get(spec="square")
    return reopen(square.file.name).convert("RGB").getpixel((300, 300))


def test_square_crop_keeps_the_focal_side():
    right = store("halves.png", two_halves(), focal_x=0.95, focal_y=0.5)
    left = store("halves2.png", two_halves(2002, 1000), focal_x=0.05, focal_y=0.5)
    assert square_colour(right)[2] > 200 and square_colour(left)[0] > 200


def test_moving_the_focal_point_recrops(admin_client, django_capture_on_commit_callbacks):
    image = store("halves.png", two_halves(), focal_x=0.05, focal_y=0.5)
    assert square_colour(image)[0] > 200
    data = {
        "alt_text": image.alt_text,
        "alt_texts": "{}",
        "caption": "",
        "credit": "",
        "focal_x": "0.95",
        "focal_y": "0.5",
    }
    with django_capture_on_commit_callbacks(execute=True):  # the crops are cut by a task after commit
        response = admin_client.post(reverse("admin:statements_image_change", args=[image.pk]), data)
    assert response.status_code == 302
    assert square_colour(Image.objects.get(pk=image.pk))[2] > 200


# Dedup, admin, staff view --------------------------------------------------------------


def admin_upload(client, name, data, **fields):
    form = {"alt_text": "Alt", "alt_texts": "{}", "caption": "", "credit": "", "focal_x": "", "focal_y": "", **fields}
    return client.post(reverse("admin:statements_image_add"), {**form, "upload": jpeg_upload(name, data)})


def test_admin_upload_and_duplicate_recognised(admin_client):
    data = GOOD["photo.webp"]()
    assert admin_upload(admin_client, "photo.webp", data).status_code == 302
    image = Image.objects.get()
    assert image.renditions.count() == len(images.SPECS)
    again = admin_upload(admin_client, "renamed.webp", data)
    assert again.status_code == 200
    assert "already in the library" in again.content.decode()
    assert reverse("admin:statements_image_change", args=[image.pk]) in again.content.decode()
    assert Image.objects.count() == 1


@pytest.mark.parametrize("name", ["script.svg", "page.jpg", "bomb.png", "empty.jpg"])
def test_admin_refuses_bad_files_keeping_the_form(admin_client, name):
    before = stored_files()
    response = admin_upload(admin_client, name, BAD[name][0](), alt_text="Typed alt text")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "upload" in form.errors and form["alt_text"].value() == "Typed alt text"
    assert not Image.objects.exists() and stored_files() == before


def test_alt_text_required(admin_client):
    response = admin_upload(admin_client, "photo.webp", GOOD["photo.webp"](), alt_text="")
    assert "alt_text" in response.context["adminform"].form.errors
    assert not Image.objects.exists()


def test_staff_file_view_is_private(client):
    image = store("photo.webp", GOOD["photo.webp"]())
    url = reverse("admin:statements_image_file", args=[image.pk, "w320-jpeg"])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(make_staff("Editor"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert client.get(reverse("admin:statements_image_file", args=[image.pk, "w9999"])).status_code == 404


def test_deleting_an_image_removes_its_files(admin_client, django_capture_on_commit_callbacks):
    image = store("photo.webp", GOOD["photo.webp"]())
    assert stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:statements_image_delete", args=[image.pk]), {"post": "yes"})
    assert not Image.objects.exists() and stored_files() == set()


def test_image_in_use_cannot_be_deleted(admin_client):
    image = store("photo.webp", GOOD["photo.webp"]())
    make_statement(featured_image=image)
    response = admin_client.post(reverse("admin:statements_image_delete", args=[image.pk]), {"post": "yes"})
    assert response.status_code == 200 and Image.objects.filter(pk=image.pk).exists()


# Private until public ------------------------------------------------------------------


def public_files() -> set[str]:
    root = Path(storages["default"].location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def publish_committed(version, staff, on_commit, **kwargs):
    """Review and publish, running the side effects (image files) as on commit."""
    with on_commit(execute=True):
        return review_and_publish(version, staff, **kwargs)


def test_image_has_no_public_url_until_its_statement_is_published(staff, django_capture_on_commit_callbacks):
    image = store("photo.webp", GOOD["photo.webp"]())
    statement = make_statement(participants=[make_person()], featured_image=image)
    version = make_version(statement, actor=staff["editor"])
    images.sync_public_files()
    assert public_files() == set() and not Image.objects.public().exists()
    assert not any(r.public_url for r in image.renditions.all())
    publish_committed(version, staff, django_capture_on_commit_callbacks)
    image.refresh_from_db()
    assert image.public_token and Image.objects.public().filter(pk=image.pk).exists()
    assert len(public_files()) == image.renditions.count()
    assert all(image.public_token in path for path in public_files())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(translation=version, actor=staff["publisher"], reason="published_in_error")
    image.refresh_from_db()
    assert public_files() == set() and image.public_token == ""
    assert not Rendition.objects.exclude(public_path="").exists()


def test_republished_image_gets_a_new_unguessable_folder(staff, django_capture_on_commit_callbacks):
    image = store("photo.webp", GOOD["photo.webp"]())
    version = make_version(make_statement(participants=[make_person()], featured_image=image), actor=staff["editor"])
    publish_committed(version, staff, django_capture_on_commit_callbacks)
    first = Image.objects.get(pk=image.pk).public_token
    images.unpublish_files(Image.objects.get(pk=image.pk))
    images.sync_public_files()
    second = Image.objects.get(pk=image.pk).public_token
    assert first and second and first != second and len(second) == 32


def test_portrait_public_only_with_a_public_statement(staff, django_capture_on_commit_callbacks):
    portrait = store("portrait.png", GOOD["alpha.png"]())
    person = make_person(portrait=portrait)
    version = make_version(make_statement(participants=[person]), actor=staff["editor"])
    images.sync_public_files()
    assert not Image.objects.get(pk=portrait.pk).public_token
    publish_committed(version, staff, django_capture_on_commit_callbacks)
    assert Image.objects.get(pk=portrait.pk).public_token


def test_detail_page_renders_the_picture_from_public_copies(client, staff, django_capture_on_commit_callbacks):
    image = store("photo.webp", GOOD["photo.webp"](), alt_text="Delegations at the table")
    version = make_version(make_statement(participants=[make_person()], featured_image=image), actor=staff["editor"])
    publish_committed(version, staff, django_capture_on_commit_callbacks)
    html = client.get(version.get_absolute_url()).content.decode()
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    img = tree.find(".//picture/img")
    assert img.get("alt") == "Delegations at the table"
    assert (img.get("width"), img.get("height")) == ("1024", "683")
    assert img.get("loading") is None  # the featured image is above the fold
    assert "1600w" in tree.find(".//picture/source").get("srcset")
    for url in [img.get("src"), *(part.split()[0] for part in img.get("srcset").split(", "))]:
        assert url.startswith(settings.MEDIA_URL + "i/")
        assert storages["default"].exists(url.removeprefix(settings.MEDIA_URL))


def test_picture_tag_renders_nothing_for_a_private_image():
    image = store("photo.webp", GOOD["photo.webp"]())
    html = Template("{% load statement_images %}{% picture image 'en' %}|{% social_image_url image %}").render(
        Context({"image": image})
    )
    assert html.strip() == "|"


def test_picture_tag_lazy_below_the_fold_and_alt_in_language(staff, django_capture_on_commit_callbacks):
    image = store("photo.webp", GOOD["photo.webp"](), alt_text="Table", alt_texts={"fa": "میز"})
    version = make_version(make_statement(participants=[make_person()], featured_image=image), actor=staff["editor"])
    publish_committed(version, staff, django_capture_on_commit_callbacks)
    image = Image.objects.get(pk=image.pk)
    html = Template("{% load statement_images %}{% picture image 'fa' %}{% social_image_url image %}").render(
        Context({"image": image})
    )
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    assert tree.find(".//img").get("loading") == "lazy" and tree.find(".//img").get("alt") == "میز"
    assert "/social.jpeg" in html
