namespace Sensor.Tests;

/// <summary>
/// Trait names and values. `scripts/test.sh --unit` runs every test without the Integration trait:
/// those need no root, no running server and no network namespace, so a contributor can run them anywhere.
/// </summary>
public static class TestCategories
{
    public const string Name = "Category";

    /// <summary>
    /// Needs root (live capture, network namespaces, dropping privileges), the loopback postfix and dovecot of
    /// scripts/setup-test-servers.sh, or a server the test starts itself (nats-server, unbound, knot,
    /// openssl s_server, Chromium).
    /// </summary>
    public const string Integration = "Integration";

    /// <summary>Builds or installs release artefacts (scripts/release.sh, dpkg, qemu-user, wine, podman, promtool): root and minutes.</summary>
    public const string Packaging = "Packaging";
}
