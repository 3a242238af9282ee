"""What a translator needs to know about a version and its original: which revision of
the original it follows, whether a major change has made it outdated since, and which
of the original's paragraphs that change touched."""

from dataclasses import dataclass

from . import markup
from .models import Revision, Translation
from .revisions import changed_paragraphs


def original_of(translation: Translation) -> Translation | None:
    statement = translation.statement
    return statement.translations.filter(language=statement.original_language).first()


def newest_source(original: Translation) -> Revision | None:
    """The original's text translators work from: the live revision, else the newest."""
    return original.live_revision or original.latest_revision()


@dataclass
class Alignment:
    """Source and target side by side, paragraph by paragraph."""

    original: Translation
    source: Revision
    target: Revision | None
    base: Revision | None  # the original's revision the translation follows
    changed: set[int]  # source paragraphs changed since `base`
    is_outdated: bool

    def rows(self):
        source = markup.paragraphs(self.source.body)
        target = markup.paragraphs(self.target.body) if self.target else []
        for index in range(max(len(source), len(target))):
            yield {
                "index": index,
                "source": source[index] if index < len(source) else "",
                "target": target[index] if index < len(target) else "",
                "changed": index in self.changed,
            }


def align(translation: Translation) -> Alignment | None:
    original = original_of(translation)
    if original is None or original.pk == translation.pk:
        return None
    source = newest_source(original)
    base = translation.source_revision
    outdated = Translation.objects.outdated().filter(pk=translation.pk).exists()
    changed = changed_paragraphs(base.body, source.body) if base and outdated else set()
    return Alignment(original, source, translation.latest_revision(), base, changed, outdated)
