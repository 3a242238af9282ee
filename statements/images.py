"""The image pipeline: checked uploads, clean originals, fixed renditions, and files that
are public only while something public uses them.

- An upload is checked with Pillow before anything is stored: the real format, the
  size in bytes and pixels (decompression bombs), a complete decode.
- The stored original is re-encoded from the pixels with the orientation applied, so
  no EXIF, XMP or IPTC metadata (GPS above all) and nothing smuggled after the image
  data survives. Caption and credit are read from the metadata first, once.
- Renditions come from a fixed list of specs (never sizes from a URL), are made once
  at upload, and are stored privately beside the original.
- While a published (or scheduled) version or a public person page uses an image, its
  renditions are copied to the public media storage under a random folder name; when
  nothing does, they are removed from it. A new publication gets a new folder.
"""

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image as Pillow
from PIL import ImageOps, IptcImagePlugin, UnidentifiedImageError

from .models import Image, Rendition

ACCEPTED_FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class Spec:
    name: str
    width: int
    height: int | None  # a crop to exactly width × height around the focal point
    format: str  # "jpeg" or "webp"


WIDTHS = (320, 640, 1024, 1600)
SPECS = {
    spec.name: spec
    for spec in [
        *(Spec(f"w{width}-{fmt}", width, None, fmt) for width in WIDTHS for fmt in ("webp", "jpeg")),
        Spec("social", 1200, 630, "jpeg"),
        Spec("square", 600, 600, "jpeg"),
    ]
}
QUALITY = {"jpeg": 82, "webp": 78}


def content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return CONTENT_TYPES.get({"jpg": "jpeg"}.get(extension, extension), "application/octet-stream")


def private_storage():
    return storages["private"]


def public_storage():
    return storages["default"]


# Checking an upload ----------------------------------------------------------------


@dataclass
class Inspected:
    format: str
    width: int
    height: int
    content_hash: str
    caption: str
    credit: str


def content_hash(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def inspect(upload) -> Inspected:
    """Check an upload and read what the form needs; raise ValidationError with a plain
    message. Reads the file from its temporary location, never whole into memory."""
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > settings.PRESSOFFICE_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1e6, 1), "limit": round(settings.PRESSOFFICE_IMAGE_MAX_BYTES / 1e6)},
            code="too_large",
        )
    digest = content_hash(upload)
    with _opened(upload, reduced=True) as picture:
        caption, credit = _metadata_text(picture)
        return Inspected(
            format=ACCEPTED_FORMATS[picture.format],
            width=picture.width,
            height=picture.height,
            content_hash=digest,
            caption=caption,
            credit=credit,
        )


class _opened:
    """Open with Pillow, refusing what is not a complete, reasonably sized image."""

    def __init__(self, upload, *, reduced=False):
        self.upload = upload
        self.reduced = reduced

    def __enter__(self):
        self.upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Pillow.DecompressionBombWarning)
            try:
                picture = Pillow.open(self.upload)
            except (UnidentifiedImageError, Pillow.DecompressionBombError, Pillow.DecompressionBombWarning) as error:
                raise _refusal(error) from error
            except (OSError, SyntaxError, ValueError) as error:
                raise ValidationError(_("The file is not a readable image."), code="unreadable") from error
            if picture.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("%(format)s images are not accepted. Use JPEG, PNG, WebP or GIF.") % {"format": picture.format},
                    code="format",
                )
            if picture.width * picture.height > settings.PRESSOFFICE_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(w)s × %(h)s pixels; the limit is %(limit)s megapixels.")
                    % {
                        "w": picture.width,
                        "h": picture.height,
                        "limit": settings.PRESSOFFICE_IMAGE_MAX_PIXELS // 1_000_000,
                    },
                    code="too_many_pixels",
                )
            try:
                if self.reduced and picture.format == "JPEG":
                    # Decoding at 1/8 scale still reads every byte (so a truncated file
                    # fails) in a 64th of the memory.
                    picture.draft("RGB", (max(1, picture.width // 8), max(1, picture.height // 8)))
                picture.load()  # a full decode: truncated or corrupt data fails here
            except (OSError, SyntaxError, ValueError, Pillow.DecompressionBombError) as error:
                raise ValidationError(
                    _("The image is damaged or incomplete (%(reason)s).") % {"reason": error}, code="damaged"
                ) from error
        self.picture = picture
        return picture

    def __exit__(self, *exc):
        # Not picture.close(): that would close the caller's upload too.
        self.upload.seek(0)


def _refusal(error) -> ValidationError:
    if isinstance(error, Pillow.DecompressionBombError | Pillow.DecompressionBombWarning):
        return ValidationError(_("The image declares too many pixels to be processed safely."), code="bomb")
    return ValidationError(
        _("The file is not an image Pillow can read (JPEG, PNG, WebP or GIF); SVG is not accepted."),
        code="not_an_image",
    )


def _metadata_text(picture) -> tuple[str, str]:
    """Caption and credit from IPTC or EXIF, read once to pre-fill the form."""
    caption = credit = ""
    try:
        iptc = IptcImagePlugin.getiptcinfo(picture) or {}
    except (OSError, SyntaxError, ValueError, IndexError):
        iptc = {}

    def text(value):
        if isinstance(value, list):
            value = value[0] if value else b""
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        return str(value or "").strip()[:1000]

    caption = text(iptc.get((2, 120)))
    credit = text(iptc.get((2, 80))) or text(iptc.get((2, 110))) or text(iptc.get((2, 116)))
    exif = picture.getexif()
    caption = caption or text(exif.get(0x010E))
    credit = credit or text(exif.get(0x013B)) or text(exif.get(0x8298))
    return caption, credit[:200]


# Clean originals and renditions -------------------------------------------------------


def _pixels(picture):
    """The first frame, upright, as 8-bit RGB or RGBA: no metadata comes along."""
    picture.seek(0)
    ImageOps.exif_transpose(picture, in_place=True)  # no copy when nothing turns
    if picture.mode in ("I;16", "I;16B", "I;16L", "I"):
        picture = picture.point(lambda value: value / 256).convert("L")
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    wanted = "RGBA" if has_alpha else "RGB"
    if picture.mode != wanted:
        picture = picture.convert(wanted)
    # Pixels only: drop whatever metadata Pillow kept alongside them.
    picture.info = {}
    return picture


def _encode(picture, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "jpeg":
        if picture.mode == "RGBA":
            # JPEG has no transparency: flatten onto white.
            background = Pillow.new("RGB", picture.size, (255, 255, 255))
            background.paste(picture, mask=picture.getchannel("A"))
            picture = background
        picture.save(buffer, "JPEG", quality=QUALITY["jpeg"], optimize=True, progressive=True)
    elif fmt == "webp":
        picture.save(buffer, "WEBP", quality=QUALITY["webp"], method=4)
    else:
        picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def focal_crop_box(width, height, target_w, target_h, focal_x=None, focal_y=None):
    """The largest box of the target's aspect ratio inside the image, centred on the
    focal point as far as the edges allow."""
    fx = 0.5 if focal_x is None else focal_x
    fy = 0.5 if focal_y is None else focal_y
    ratio = target_w / target_h
    if width / height > ratio:
        box_h, box_w = height, round(height * ratio)
    else:
        box_w, box_h = width, round(width / ratio)
    left = min(max(round(fx * width - box_w / 2), 0), width - box_w)
    top = min(max(round(fy * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def render(picture, spec: Spec, focal_x=None, focal_y=None):
    """One rendition of an upright RGB/RGBA picture, as a new Pillow image."""
    if spec.height is None:
        width = min(spec.width, picture.width)
        height = max(1, round(picture.height * width / picture.width))
        return picture.resize((width, height), Pillow.LANCZOS, reducing_gap=3.0)
    box = focal_crop_box(picture.width, picture.height, spec.width, spec.height, focal_x, focal_y)
    return picture.resize((spec.width, spec.height), Pillow.LANCZOS, box=box, reducing_gap=3.0)


def wanted_specs(width: int) -> list[Spec]:
    """Width renditions up to the original's width (the smallest always), plus crops."""
    return [
        spec for spec in SPECS.values() if spec.height is not None or spec.width <= width or spec.width == WIDTHS[0]
    ]


def store_upload(image, upload, inspected: Inspected) -> list[str]:
    """Write the clean original and every rendition to private storage and fill the
    image's fields. Returns the names written; on any failure, removes them all."""
    written = []
    storage = private_storage()
    try:
        with _opened(upload) as picture:
            pixels = _pixels(picture)
        folder = f"images/{secrets.token_hex(16)}"
        original_format = "png" if pixels.mode == "RGBA" else "jpeg"
        name = storage.save(f"{folder}/original.{original_format}", ContentFile(_encode(pixels, original_format)))
        written.append(name)
        image.file.name = name
        image.width, image.height = pixels.size
        image.content_hash = inspected.content_hash
        image.caption = image.caption or inspected.caption
        image.credit = image.credit or inspected.credit
        renditions = []
        for spec in wanted_specs(pixels.width):
            output = render(pixels, spec, image.focal_x, image.focal_y)
            data = _encode(output, spec.format)
            path = storage.save(f"{folder}/{spec.name}.{spec.format}", ContentFile(data))
            written.append(path)
            renditions.append(
                Rendition(spec=spec.name, file=path, width=output.width, height=output.height, size=len(data))
            )
        image._pending_renditions = renditions
    except Exception:
        for path in written:
            storage.delete(path)
        raise
    return written


def save_with_renditions(image, renditions=None):
    """Save the image row and the renditions `store_upload` prepared."""
    image.save()
    renditions = renditions if renditions is not None else getattr(image, "_pending_renditions", [])
    for rendition in renditions:
        rendition.image = image
    image.renditions.all().delete()
    type(renditions[0]).objects.bulk_create(renditions) if renditions else None


def recrop(image):
    """Make the crops again after the focal point moved; public copies follow."""
    storage = private_storage()
    with storage.open(image.file.name) as handle, Pillow.open(handle) as picture:
        pixels = _pixels(picture)
    folder = image.file.name.rsplit("/", 1)[0]
    for spec in (spec for spec in SPECS.values() if spec.height is not None):
        output = render(pixels, spec, image.focal_x, image.focal_y)
        data = _encode(output, spec.format)
        path = f"{folder}/{spec.name}.{spec.format}"
        storage.delete(path)
        storage.save(path, ContentFile(data))
        Rendition.objects.update_or_create(
            image=image,
            spec=spec.name,
            defaults={"file": path, "width": output.width, "height": output.height, "size": len(data)},
        )
    if image.public_token:
        unpublish_files(image)
        publish_files(image)


def file_names(image) -> tuple[list[str], list[str]]:
    """(private, public) names of every file of an image, to delete after the row goes."""
    private = [r.file.name for r in image.renditions.all()] + ([image.file.name] if image.file.name else [])
    public = [r.public_path for r in image.renditions.all() if r.public_path]
    return private, public


def delete_files(private: list[str], public: list[str]):
    for name in private:
        private_storage().delete(name)
    for name in public:
        public_storage().delete(name)


# Public files ----------------------------------------------------------------------


def publish_files(image):
    """Copy the renditions to public storage under a new random folder."""
    token = secrets.token_hex(16)
    private, public = private_storage(), public_storage()
    for rendition in image.renditions.all():
        with private.open(rendition.file.name) as handle:
            rendition.public_path = public.save(f"i/{token}/{rendition.spec}.{SPECS[rendition.spec].format}", handle)
        rendition.save(update_fields=["public_path"])
    image.public_token = token
    image.save(update_fields=["public_token"])


def unpublish_files(image):
    public = public_storage()
    for rendition in image.renditions.exclude(public_path=""):
        public.delete(rendition.public_path)
        rendition.public_path = ""
        rendition.save(update_fields=["public_path"])
    image.public_token = ""
    image.save(update_fields=["public_token"])


def sync_public_files() -> int:
    """Publish the files of images that public content now uses; withdraw the rest.
    Returns how many images changed (none when it runs again: idempotent).

    Runs (as a task) after every change to public content. Scheduled versions count as
    users, so their images are in place the instant they go live; until then nothing
    links to the random folder.
    """
    # Read what is needed before the transaction: on SQLite a transaction holds the write
    # lock from its start, and readers storing rendered entries would wait behind it.
    needed = set(Image.objects.needing_public_files().values_list("pk", flat=True))
    published = set(Image.objects.exclude(public_token="").values_list("pk", flat=True))
    if needed == published:
        return 0
    changed = 0
    with transaction.atomic():
        for image in Image.objects.filter(pk__in=needed, public_token="").select_for_update():
            publish_files(image)
            changed += 1
        for image in Image.objects.exclude(pk__in=needed).exclude(public_token="").select_for_update():
            unpublish_files(image)
            changed += 1
    return changed
