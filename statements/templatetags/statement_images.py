"""Responsive pictures and social-card URLs from an image's public renditions.

Only renditions with a public copy are used, so a page never links to a private
file, and nothing here makes a rendition: they were made at upload.
"""

from django import template

from ..images import WIDTHS

register = template.Library()

DEFAULT_SIZES = "(min-width: 48rem) 46rem, 100vw"


def _srcset(renditions: dict, fmt: str) -> str:
    found = (renditions.get(f"w{width}-{fmt}") for width in WIDTHS)
    return ", ".join(f"{r.public_url} {r.width}w" for r in found if r is not None)


@register.inclusion_tag("statements/includes/_picture.html")
def picture(image, language, sizes=DEFAULT_SIZES, eager=False):
    """`<picture>` with WebP and JPEG srcsets, width/height, and lazy loading below the fold."""
    renditions = image.public_renditions() if image is not None else {}
    jpegs = [renditions[f"w{w}-jpeg"] for w in WIDTHS if f"w{w}-jpeg" in renditions]
    if not jpegs:
        return {"fallback": None}
    fallback = max((r for r in jpegs if r.width <= 1024), key=lambda r: r.width, default=jpegs[0])
    return {
        "fallback": fallback,
        "webp_srcset": _srcset(renditions, "webp"),
        "jpeg_srcset": _srcset(renditions, "jpeg"),
        "sizes": sizes,
        "alt": image.alt_text_in(language),
        "eager": eager,
    }


@register.simple_tag(takes_context=True)
def social_image_url(context, image):
    """Absolute URL of the 1200×630 social card crop, or "" when the image is not public."""
    rendition = image.public_renditions().get("social") if image is not None else None
    if rendition is None:
        return ""
    request = context.get("request")
    return request.build_absolute_uri(rendition.public_url) if request else rendition.public_url
