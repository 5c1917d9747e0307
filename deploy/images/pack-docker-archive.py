#!/usr/bin/env python3
"""Packs a root filesystem directory into a one-layer image tarball in the `docker save` format
(manifest.json + config JSON + layer tar), which Jib accepts as a `tar://` base image and which
`skopeo copy docker-archive:...`, `podman load` or `kind load image-archive` read.

usage: pack-docker-archive.py ROOTFS OUT.tar REPO:TAG
"""
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile


def layer_of(rootfs, path):
    # Numeric owners as on disk, sorted entries, fixed mtimes: the same rootfs gives the same layer.
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in [""] + sorted(filenames) + sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d))):
                full = os.path.join(dirpath, name) if name else dirpath
                arc = os.path.relpath(full, rootfs)
                if arc == ".":
                    continue
                info = tar.gettarinfo(full, arcname=arc)
                info.uname = info.gname = ""
                info.mtime = 0
                if info.isreg():
                    with open(full, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    rootfs, out, ref = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory() as tmp:
        layer = os.path.join(tmp, "layer.tar")
        layer_of(rootfs, layer)
        diff_id = sha256(layer)
        config = {
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "User": "185",
                "WorkingDir": "/app",
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                        "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64", "LANG=C.UTF-8"],
            },
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
            # A fixed date: reproducible, and tools that print the history (umoci stat) expect one.
            "created": "1970-01-01T00:00:00Z",
            "history": [{"created": "1970-01-01T00:00:00Z",
                         "created_by": "deploy/images/build-base.sh (debootstrap + openjdk-17-jre-headless)"}],
        }
        config_bytes = json.dumps(config, sort_keys=True).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        manifest = [{"Config": config_name, "RepoTags": [ref], "Layers": [diff_id + "/layer.tar"]}]
        with tarfile.open(out, "w") as tar:
            def add(name, f, size):
                info = tarfile.TarInfo(name)
                info.size, info.mode = size, 0o644
                tar.addfile(info, f)
            add(config_name, io.BytesIO(config_bytes), len(config_bytes))
            with open(layer, "rb") as f:
                add(diff_id + "/layer.tar", f, os.path.getsize(layer))
            manifest_bytes = json.dumps(manifest).encode()
            add("manifest.json", io.BytesIO(manifest_bytes), len(manifest_bytes))


if __name__ == "__main__":
    main()
