"""The log through the Python API (docs/logging.md): the logger keys set on
a Configuration reach the process-wide log; a bad verbosity is a
ValueError naming the key. Each test leaves the log as it found it
(console error, file quiet)."""

import pytest

import broker


def logging_config(console, file_verbosity, path=None):
    cfg = broker.Configuration()
    cfg.set("caf.logger.console.verbosity", console)
    cfg.set("caf.logger.file.verbosity", file_verbosity)
    if path is not None:
        cfg.set("caf.logger.file.path", str(path))
    return cfg


@pytest.fixture
def restore_log():
    yield
    # Explicit settings replace the earlier ones: back to the defaults.
    with broker.Endpoint(logging_config("error", "quiet")):
        pass


def test_file_log_from_configuration(tmp_path, restore_log):
    path = tmp_path / "py.log"
    with broker.Endpoint(logging_config("quiet", "info", path)) as ep:
        port = ep.listen("127.0.0.1", 0)
        node = ep.node_id()
    text = path.read_text()
    assert f"[{node[:8]}] endpoint {node} started" in text
    assert f"listening on 127.0.0.1:{port}" in text
    assert " core/network.cc:" in text and " network::listen: " in text


def test_bad_verbosity_is_a_value_error(restore_log):
    cfg = broker.Configuration()
    # The configuration checks the value when it is set.
    with pytest.raises(ValueError, match=r"invalid value for "
                                         r"caf\.logger\.console\.verbosity: "
                                         r"'loud'"):
        cfg.set("caf.logger.console.verbosity", "loud")
