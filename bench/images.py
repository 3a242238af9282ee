"""Image pipeline benchmark: rendition time per megapixel and peak memory per upload.

Run with `make bench-images`. Each size runs in a fresh process so peak RSS belongs
to that size alone. Prints a Markdown table; figures are for this machine and run.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [(1200, 800), (2400, 1600), (4000, 3000), (6000, 4000)]


def make_photo(width: int, height: int, path: Path):
    """A photo-like JPEG (noise, blur, shapes) written to `path`."""
    from PIL import Image as Pillow
    from PIL import ImageDraw, ImageFilter

    picture = Pillow.effect_noise((width, height), 60).convert("RGB").filter(ImageFilter.GaussianBlur(2))
    draw = ImageDraw.Draw(picture)
    for i in range(0, width, max(1, width // 12)):
        draw.ellipse((i, height // 4, i + width // 10, height // 4 + width // 10), fill=(200, 120, 40))
    picture.save(path, "JPEG", quality=90)


def measure(path: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings
    from PIL import Image as Pillow

    from statements import images
    from statements.models import Image

    with Pillow.open(path) as probe:
        width, height = probe.size
    data = path.read_bytes()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with (
        tempfile.TemporaryDirectory() as folder,
        override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}},
                "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ),
    ):
        upload = SimpleUploadedFile("bench.jpg", data, content_type="image/jpeg")
        started = time.perf_counter()
        inspected = images.inspect(upload)
        checked = time.perf_counter()
        image = Image(alt_text="bench")
        images.store_upload(image, upload, inspected)
        finished = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    renditions = len(image._pending_renditions)
    return {
        "size": f"{width}×{height}",
        "megapixels": width * height / 1e6,
        "file_mb": len(data) / 1e6,
        "check_s": checked - started,
        "store_s": finished - checked,
        "renditions": renditions,
        "peak_rss_mb": peak / 1024,
        "rss_growth_mb": (peak - baseline) / 1024,
    }


def main():
    # Each step runs in its own process: ru_maxrss counts what a process inherited at
    # fork, so the parent stays small and makes nothing itself.
    if len(sys.argv) == 5 and sys.argv[1] == "--make":
        make_photo(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        return
    if len(sys.argv) == 2:
        print(json.dumps(measure(Path(sys.argv[1]))))
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for width, height in SIZES:
            path = Path(folder) / f"{width}x{height}.jpg"
            subprocess.run([sys.executable, __file__, "--make", str(width), str(height), str(path)], check=True)
            output = subprocess.run(
                [sys.executable, __file__, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
            )
            rows.append(json.loads(output.stdout.strip().splitlines()[-1]))
    print(
        "| image | MP | file MB | check s | clean original + renditions s | renditions | s per MP | "
        "peak RSS MB | RSS growth MB | growth MB per MP |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['size']} | {row['megapixels']:.1f} | {row['file_mb']:.1f} | {row['check_s']:.3f} | "
            f"{row['store_s']:.2f} | {row['renditions']} | {row['store_s'] / row['megapixels']:.3f} | "
            f"{row['peak_rss_mb']:.0f} | {row['rss_growth_mb']:.0f} | {row['rss_growth_mb'] / row['megapixels']:.1f} |"
        )


if __name__ == "__main__":
    main()
