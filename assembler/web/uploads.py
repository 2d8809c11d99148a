"""Uploads: each file goes into its own private temporary folder under a name the server chooses
(the uploaded name is only shown, never used as a path), and is removed when it has been used."""
from __future__ import annotations

import secrets
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..errors import InputError


@dataclass(frozen=True)
class Upload:
    id: str
    path: Path       # where the server stored it
    name: str        # the name it was uploaded under, for messages only

    def shown(self, file: str) -> str:
        """Return a problem's file as the user knows it (the uploaded name for the stored copy)."""
        return self.name if file == str(self.path) else file


class UploadStore:
    """Uploaded files, each in its own folder under one private temporary root."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.chmod(0o700)
        self._uploads: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def save(self, storage, allowed: tuple[str, ...], what: str) -> Upload:
        """Return the upload of a werkzeug FileStorage whose name ends in one of allowed.

        Raises InputError naming the accepted types when there is no file or it has another type.
        """
        name = PurePath((storage.filename or "").replace("\\", "/")).name if storage else ""
        if not name:
            raise InputError(f"请选择要上传的{what}。")
        suffix = PurePath(name).suffix.lower()
        if suffix not in allowed:
            raise InputError(f"只能上传{what}（{'、'.join(allowed)}），收到「{name}」。")
        up_id = secrets.token_hex(8)
        folder = self.root / up_id
        folder.mkdir(mode=0o700)
        path = folder / f"upload{suffix}"
        storage.save(str(path))
        upload = Upload(up_id, path, name)
        with self._lock:
            self._uploads[up_id] = upload
        return upload

    def save_many(self, storages, allowed: tuple[str, ...], what: str) -> Upload:
        """Return one upload whose folder holds every file (named file-1.json, file-2.json …; the
        uploaded names are only listed in Upload.name). Raises InputError as save does."""
        files = [f for f in storages if f and f.filename]
        if not files:
            raise InputError(f"请选择要上传的{what}。")
        names = []
        for f in files:
            name = PurePath(f.filename.replace("\\", "/")).name
            if PurePath(name).suffix.lower() not in allowed:
                raise InputError(f"只能上传{what}（{'、'.join(allowed)}），收到「{name}」。")
            names.append(name)
        up_id = secrets.token_hex(8)
        folder = self.root / up_id
        folder.mkdir(mode=0o700)
        for i, (f, name) in enumerate(zip(files, names), 1):
            f.save(str(folder / f"file-{i}{PurePath(name).suffix.lower()}"))
        upload = Upload(up_id, folder, "、".join(names))
        with self._lock:
            self._uploads[up_id] = upload
        return upload

    def save_bytes(self, data: bytes, suffix: str, name: str) -> Upload:
        """Return an upload holding data the server built itself (e.g. a session file from a form)."""
        up_id = secrets.token_hex(8)
        folder = self.root / up_id
        folder.mkdir(mode=0o700)
        path = folder / f"upload{suffix}"
        path.write_bytes(data)
        upload = Upload(up_id, path, name)
        with self._lock:
            self._uploads[up_id] = upload
        return upload

    def get(self, up_id: str) -> Upload | None:
        with self._lock:
            return self._uploads.get(up_id)

    def remove(self, upload: Upload) -> None:
        with self._lock:
            self._uploads.pop(upload.id, None)
        shutil.rmtree(upload.path if upload.path.is_dir() else upload.path.parent, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def shown_error(exc, uploads_: list[Upload]):
    """Return a DataError like exc with every stored upload path replaced by its uploaded name."""
    from dataclasses import replace

    from ..errors import DataError

    names = {str(u.path): u.name for u in uploads_}
    return DataError([replace(p, file=names.get(p.file, p.file)) for p in exc.problems], exc.title)
