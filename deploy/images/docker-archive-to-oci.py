#!/usr/bin/env python3
"""Rewrites a one-image docker-archive tarball (the `docker save` / `docker load` format that Quarkus's Jib extension
hands to deploy/images/docker-load-shim) as an OCI image layout archive: `oci-layout`, `index.json` and
`blobs/sha256/<digest>` with an OCI image manifest, the image config and the layers byte for byte (so layer and
config digests stay what Jib computed). The result is what `skopeo copy oci-archive:...`, `podman load`,
`ctr images import` and `kind load image-archive` read.

Deterministic: the same input gives the same output bytes (sorted blobs, fixed owners, modes and mtimes).
Every layer's uncompressed digest is checked against the config's diff_ids before anything is written.

usage: docker-archive-to-oci.py IN.tar OUT.tar [REF]      (REF defaults to the archive's first RepoTag)
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar"


def fail(message):
    sys.exit("docker-archive-to-oci: " + message)


def canonical(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def copy_hashing(src, dst_path):
    """Copies a stream to a file; returns (sha256 hex, size, first two bytes)."""
    h, size, head = hashlib.sha256(), 0, b""
    with open(dst_path, "wb") as dst:
        for block in iter(lambda: src.read(1 << 20), b""):
            if not head:
                head = block[:2]
            h.update(block)
            size += len(block)
            dst.write(block)
    return h.hexdigest(), size, head


def diff_id_of(path, gzipped):
    h = hashlib.sha256()
    with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def full_name(ref):
    # containerd names images fully qualified (docker.io/... for a registry-less name).
    first = ref.split("/", 1)[0]
    if "/" not in ref or not ("." in first or ":" in first or first == "localhost"):
        return "docker.io/" + ref
    return ref


def main():
    if len(sys.argv) not in (3, 4):
        fail("usage: docker-archive-to-oci.py IN.tar OUT.tar [REF]")
    src, out = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as work:
        blobs = {}  # hex digest -> path of the blob in `work`

        def add_blob(data):
            digest = hashlib.sha256(data).hexdigest()
            path = os.path.join(work, digest)
            with open(path, "wb") as f:
                f.write(data)
            blobs[digest] = path
            return {"digest": "sha256:" + digest, "size": len(data)}

        with tarfile.open(src) as archive:
            def member(name):
                f = archive.extractfile(name)
                if f is None:
                    fail(f"{src}: no file {name}")
                return f
            entries = json.load(member("manifest.json"))
            if len(entries) != 1:
                fail(f"{src}: {len(entries)} images in manifest.json, expected exactly one")
            entry = entries[0]
            ref = sys.argv[3] if len(sys.argv) == 4 else (entry.get("RepoTags") or [None])[0]
            if not ref:
                fail(f"{src}: no RepoTags; pass REF")
            config_bytes = member(entry["Config"]).read()
            diff_ids = json.loads(config_bytes)["rootfs"]["diff_ids"]
            if len(diff_ids) != len(entry["Layers"]):
                fail(f"{src}: {len(entry['Layers'])} layers but {len(diff_ids)} diff_ids in the config")
            layers = []
            for i, name in enumerate(entry["Layers"]):
                tmp = os.path.join(work, f"layer-{i}")
                digest, size, head = copy_hashing(member(name), tmp)
                gzipped = head == b"\x1f\x8b"
                if diff_id_of(tmp, gzipped) != diff_ids[i]:
                    fail(f"{src}: layer {name} does not match diff_id {diff_ids[i]}")
                os.replace(tmp, os.path.join(work, digest))
                blobs[digest] = os.path.join(work, digest)
                layers.append({"mediaType": LAYER_TYPE + ("+gzip" if gzipped else ""),
                               "digest": "sha256:" + digest, "size": size})

        config = {"mediaType": CONFIG_TYPE, **add_blob(config_bytes)}
        manifest = {"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "config": config, "layers": layers}
        tag = ref.rsplit(":", 1)[1] if ":" in ref.rsplit("/", 1)[-1] else "latest"
        index = {"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": [{
            "mediaType": MANIFEST_TYPE, **add_blob(canonical(manifest)),
            "annotations": {"io.containerd.image.name": full_name(ref),
                            "org.opencontainers.image.ref.name": tag}}]}

        partial = os.path.join(work, "out.tar")
        with tarfile.open(partial, "w", format=tarfile.USTAR_FORMAT) as tar:
            def add(name, data=None, path=None):
                info = tarfile.TarInfo(name)
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                if data is None and path is None:
                    info.type, info.mode = tarfile.DIRTYPE, 0o755
                    tar.addfile(info)
                    return
                info.mode = 0o644
                info.size = len(data) if data is not None else os.path.getsize(path)
                with (io.BytesIO(data) if data is not None else open(path, "rb")) as f:
                    tar.addfile(info, f)
            add("oci-layout", data=canonical({"imageLayoutVersion": "1.0.0"}))
            add("index.json", data=canonical(index))
            add("blobs/")
            add("blobs/sha256/")
            for digest in sorted(blobs):
                add("blobs/sha256/" + digest, path=blobs[digest])
        os.chmod(partial, 0o644)
        shutil.move(partial, out)
    print(f"{out}: {ref} {index['manifests'][0]['digest']}")


if __name__ == "__main__":
    main()
