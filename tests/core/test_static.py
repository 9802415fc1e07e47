import json

from django.core.management import call_command


def test_production_static_files_collect_with_a_manifest(settings, tmp_path):
    """collectstatic with WhiteNoise's manifest storage fails on any dangling reference."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for asset in ("vendor/htmx/htmx.min.js", "vendor/pico/pico.min.css", "lodestar/app.js"):
        assert asset in manifest
        assert (tmp_path / manifest[asset]).exists()
