import json

from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipOnlyStorage(CompressedManifestStaticFilesStorage):
    """Production's storage with gzip alone: Brotli at its highest level took most of this test's
    20 s, and the two compressors are WhiteNoise's to test, not ours."""

    def create_compressor(self, **kwargs):
        return super().create_compressor(use_brotli=False, **kwargs)


def test_production_static_files_collect_with_a_manifest(settings, tmp_path):
    """collectstatic with WhiteNoise's manifest storage fails on any dangling reference."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}.{GzipOnlyStorage.__name__}"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for asset in ("vendor/htmx/htmx.min.js", "vendor/pico/pico.min.css", "lodestar/app.js"):
        assert asset in manifest
        assert (tmp_path / manifest[asset]).exists()
        assert (tmp_path / (manifest[asset] + ".gz")).exists()
