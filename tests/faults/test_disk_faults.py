"""A full disk and a read-only media directory, on a real worker: the episode fails with the system's reason, the
published feed stays byte for byte what it was, nothing of the failed render is left public, and the same episode
publishes once the disk is back."""

from __future__ import annotations

import subprocess

import pytest

from narrate import pipeline
from tests.faults.cluster import article


def _published_first(cluster):  # type: ignore[no-untyped-def]
    cluster.start_worker(concurrency=2)
    earlier = cluster.submit(article(50, paragraphs=1))
    [published] = cluster.wait_for([earlier.id])
    cluster.assert_published_once(published)
    return published


def _snapshot(cluster) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    public = cluster.settings.public_dir
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in sorted(public.rglob("*")) if p.is_file()}


def test_full_disk_fails_the_episode_and_leaves_the_feed_alone(make_cluster, mount_tmpfs) -> None:  # type: ignore[no-untyped-def]
    cluster = make_cluster()
    earlier = _published_first(cluster)
    before = _snapshot(cluster)
    mount_tmpfs(cluster.settings.work_dir, size="64k")  # where renders are assembled: room for almost nothing

    episode = cluster.submit(article(51, paragraphs=4))
    [failed] = cluster.wait_for([episode.id])
    assert failed.status == "failed"
    assert "No space left on device" in failed.reason and "\n" not in failed.reason
    assert _snapshot(cluster) == before  # the feed, the pages and every public file exactly as they were
    assert cluster.feed_guids() == [earlier.guid] and cluster.public_files(episode.id) == []

    subprocess.run(["umount", "-l", str(cluster.settings.work_dir)], check=True)  # space again
    again = pipeline.rerender(cluster.settings, cluster.store, episode.id)
    cluster.send(again)
    [final] = cluster.wait_for([episode.id])
    cluster.assert_published_once(final)
    assert sorted(cluster.feed_guids()) == sorted([earlier.guid, episode.guid])


@pytest.mark.parametrize(
    ("directory", "phrase"),
    [("audio/main", "cannot write public files: Read-only file system"), ("feeds", "cannot write feed")],
)
def test_read_only_media_directory_fails_the_episode_and_leaves_the_feed_alone(
    make_cluster, read_only, directory: str, phrase: str  # type: ignore[no-untyped-def]
) -> None:
    cluster = make_cluster()
    earlier = _published_first(cluster)
    before = _snapshot(cluster)
    read_only(cluster.settings.public_dir / directory)

    episode = cluster.submit(article(52, paragraphs=2))
    [failed] = cluster.wait_for([episode.id])
    assert failed.status == "failed" and phrase in failed.reason, failed.reason
    assert failed.audio_path is None  # the row was put back: a later feed rebuild cannot list it
    assert _snapshot(cluster) == before
    assert cluster.feed_guids() == [earlier.guid] and cluster.public_files(episode.id) == []
    cluster.assert_published_once(cluster.get(earlier.id))
