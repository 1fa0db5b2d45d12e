"""Configuration sources seen from Python (docs/configuration.md, "Python"):
broker.conf in the working directory, BROKER_* variables, checked set()."""

import pytest

import broker

SMALL_BUFFER_CONF = """\
; a subscriber buffer of 10 that drops the newest message when full
broker {
  subscriber-buffer-size = 10
  subscriber-overflow-policy = 'drop_newest'
}
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A fresh working directory and no BROKER_* variables."""
    monkeypatch.chdir(tmp_path)
    for var in ["BROKER_CONSOLE_VERBOSITY", "BROKER_FILE_VERBOSITY",
                "BROKER_METRICS_PORT", "BROKER_METRICS_EXPORT_INTERVAL"]:
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def no_conf_options():
    opts = broker.BrokerOptions()
    opts.ignore_broker_conf = True
    return opts


def held_after_hundred(cfg):
    """What a subscriber of an endpoint made from `cfg` holds after 100
    messages came in while it read nothing."""
    with broker.Endpoint(broker.Configuration(no_conf_options())) as sender, \
            broker.Endpoint(cfg) as receiver, \
            receiver.make_subscriber("/t", 0) as sub, \
            receiver.make_subscriber("/done") as done:
        port = receiver.listen("127.0.0.1", 0)
        assert sender.peer("127.0.0.1", port, 1.0)
        for i in range(100):
            sender.publish("/t", i)
        # A barrier: messages of one peer arrive in order.
        sender.publish("/done", 1)
        assert done.get(10.0) is not None
        return [value for _, value in sub.poll()]


def test_broker_conf_in_the_working_directory(workdir):
    (workdir / "broker.conf").write_text(SMALL_BUFFER_CONF)
    held = held_after_hundred(broker.Configuration())
    assert held == list(range(10))


def test_ignore_broker_conf(workdir):
    (workdir / "broker.conf").write_text(SMALL_BUFFER_CONF)
    held = held_after_hundred(broker.Configuration(no_conf_options()))
    assert len(held) == 100


def test_set_overrides_the_file(workdir):
    (workdir / "broker.conf").write_text(SMALL_BUFFER_CONF)
    cfg = broker.Configuration()
    cfg.set("broker.subscriber-overflow-policy", "drop_oldest")
    assert held_after_hundred(cfg) == list(range(90, 100))


def test_set_checks_values():
    cfg = broker.Configuration()
    with pytest.raises(ValueError, match="broker.subscriber-overflow-policy"):
        cfg.set("broker.subscriber-overflow-policy", "drop_all")
    with pytest.raises(ValueError, match="expected true or false"):
        cfg.set("broker.disable-forwarding", "yes")
    with pytest.raises(ValueError, match="from 1 to 65535"):
        cfg.set("broker.ttl", 0)
    # Other spellings are accepted.
    cfg.set("broker.forward", True)
    cfg.set("broker.disable-forwarding", True)
    cfg.set("myapp.key", "anything")  # unknown keys are kept as given


def test_bad_environment_value_raises_value_error(workdir, monkeypatch):
    monkeypatch.setenv("BROKER_CONSOLE_VERBOSITY", "loud")
    with pytest.raises(ValueError, match="BROKER_CONSOLE_VERBOSITY"):
        broker.Endpoint(broker.Configuration())


def test_bad_file_raises_runtime_error(workdir):
    (workdir / "broker.conf").write_text("broker {\n  ttl = 'five'\n}\n")
    with pytest.raises(RuntimeError, match=r"broker.conf:2:3: invalid value "
                                           r"for broker.ttl: 'five'"):
        broker.Endpoint(broker.Configuration())
