using System.Net;

namespace Sensor.Tests.LiveNet;

/// <summary>
/// A network namespace this test run creates, joined to the root namespace by a veth pair: one end
/// (<see cref="HostInterface"/>) stays in the root namespace where `sensor live` captures, the other
/// (<see cref="InnerInterface"/>) lives in the namespace, where clients or tcpreplay run. Deleting the
/// namespace deletes the pair. Names carry the test process id, so a run that died without cleaning up
/// is recognised and removed by the next one.
/// </summary>
internal sealed class VethNamespace : IDisposable
{
    private const string Prefix = "sensor-lt-";
    private static int _created;

    public string Name { get; }
    public string HostInterface { get; }
    public string InnerInterface { get; }
    /// <summary>Address of the root-namespace end (servers listen here), when the pair is addressed.</summary>
    public IPAddress? HostAddress { get; }
    /// <summary>Address of the namespace end (clients connect from here), when the pair is addressed.</summary>
    public IPAddress? InnerAddress { get; }

    private VethNamespace(int serial, bool addressed)
    {
        int pid = Environment.ProcessId;
        Name = $"{Prefix}{pid}-{serial}";
        HostInterface = $"slt{pid}h{serial}";
        InnerInterface = $"slt{pid}n{serial}";
        if (addressed)
        {
            // 10.213.0.0/16 is used by nothing on the host; one /30 per pair.
            int block = (pid * 8 + serial) % 16384;
            HostAddress = new IPAddress([10, 213, (byte)(block / 64), (byte)(block % 64 * 4 + 1)]);
            InnerAddress = new IPAddress([10, 213, (byte)(block / 64), (byte)(block % 64 * 4 + 2)]);
        }
    }

    /// <summary>
    /// Creates the namespace and the pair, both ends up, IPv6 off (no router solicitations on the wire).
    /// <paramref name="addressed"/>: give both ends an address in a /30 (for real TCP sessions); unaddressed
    /// pairs only carry replayed frames, which the root namespace's IP stack never accepts (foreign MACs).
    /// <paramref name="mtu"/>: 65535 lets frames captured on lo (64 KiB segments) be replayed.
    /// </summary>
    public static VethNamespace Create(bool addressed, int mtu = 1500)
    {
        RemoveLeftovers();
        var pair = new VethNamespace(Interlocked.Increment(ref _created), addressed);
        try
        {
            pair.Setup(mtu);
        }
        catch
        {
            pair.Dispose();
            throw;
        }
        return pair;
    }

    /// <summary>Runs a program inside the namespace.</summary>
    public ToolRun Exec(TimeSpan timeout, string program, params string[] args) =>
        ExternalTool.Run(timeout, "ip", ["netns", "exec", Name, program, .. args]);

    public void Dispose()
    {
        ExternalTool.Run("ip", "netns", "delete", Name);
        ExternalTool.Run("ip", "link", "delete", HostInterface); // gone with the namespace unless setup failed midway
    }

    private void Setup(int mtu)
    {
        Ip("netns", "add", Name);
        Ip("link", "add", HostInterface, "mtu", mtu.ToString(), "type", "veth", "peer", "name", InnerInterface, "mtu", mtu.ToString(), "netns", Name);
        ExternalTool.Run("sysctl", "-qw", $"net.ipv6.conf.{HostInterface}.disable_ipv6=1").EnsureSuccess("sysctl");
        Exec(TimeSpan.FromSeconds(10), "sysctl", "-qw", $"net.ipv6.conf.{InnerInterface}.disable_ipv6=1").EnsureSuccess("sysctl");
        if (HostAddress is not null && InnerAddress is not null)
        {
            Ip("addr", "add", $"{HostAddress}/30", "dev", HostInterface);
            Ip("-n", Name, "addr", "add", $"{InnerAddress}/30", "dev", InnerInterface);
        }
        Ip("link", "set", HostInterface, "up");
        Ip("-n", Name, "link", "set", InnerInterface, "up");
        Ip("-n", Name, "link", "set", "lo", "up");
    }

    private static void Ip(params string[] args) => ExternalTool.Run("ip", args).EnsureSuccess("ip " + string.Join(' ', args));

    /// <summary>Deletes namespaces of earlier test runs whose process is gone (a crash or a kill skips Dispose).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var line in ExternalTool.Run("ip", "netns", "list").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            var pid = name[Prefix.Length..].Split('-')[0];
            if (!Directory.Exists($"/proc/{pid}"))
                ExternalTool.Run("ip", "netns", "delete", name);
        }
    }
}
