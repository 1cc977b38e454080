using System.Reflection;
using Sensor.Core.CrossCheck;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Locate;
using Sensor.Core.Probing.Dns;
using Sensor.Core.Probing.Socks;

namespace Sensor.Core.FieldTest;

/// <summary>
/// `sensor fieldtest`: probes each target's mail ports from here with the existing prober, finds the
/// latest results other vantage points saw for the same services, and judges each port.
/// </summary>
public static class FieldTestRun
{
    /// <summary>The whole of one probe is bounded tighter than `sensor probe`'s 90 s: a person is waiting.</summary>
    public static ProbeOptions DefaultOptions { get; } = ProbeOptions.Default with { TotalTimeout = TimeSpan.FromSeconds(30) };

    public static string Version { get; } =
        typeof(FieldTestRun).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(FieldTestRun).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// Expands what the person typed into probe targets: without a port, every mail port of the
    /// selection (default all: 25, 587, 465, 143, 993, 110, 995). A mail domain becomes its MX hosts
    /// in <see cref="ProbeBatch"/>. Throws <see cref="FormatException"/> on a bad target.
    /// </summary>
    public static IReadOnlyList<ProbeTarget> Expand(string text, ProbeSelection? selection) =>
        ProbeTarget.Parse(text, selection ?? ProbeSelection.All);

    /// <param name="known">probe records from elsewhere to compare with (the store's)</param>
    /// <param name="controls">the control vantages' records being made now (the agents'), awaited after here's probes: compared with here's, DNS answers included</param>
    /// <param name="proxies">SOCKS proxies probed through now, beside here: control vantages too</param>
    /// <param name="nameNetwork">whether to learn this network's public address and AS over DNS (<see cref="NetworkOriginLookup"/>), beside the probes</param>
    /// <param name="locate">where a port shows interference, walk the path to it (<see cref="PathLocator"/>) and keep where the box sits in here's record</param>
    public static async Task<FieldReport> RunAsync(IReadOnlyList<string> targets, ProbeSelection? selection, ProbeOptions options, string vantage,
        IEnumerable<ProbeRecord> known, Action<IReadOnlyList<ProbeRecord>>? store = null, CancellationToken token = default,
        Task<List<ProbeRecord>>? controls = null, IReadOnlyList<SocksProxy>? proxies = null, bool nameNetwork = false, bool locate = false)
    {
        var expanded = targets.Select(t => (Name: t, Targets: Expand(t, selection))).ToList();
        var all = expanded.SelectMany(e => e.Targets).ToList();
        var started = DateTime.UtcNow;
        // everything that waits on the network runs at once: the person waits for the slowest, not the sum
        var network = nameNetwork ? NetworkOriginLookup.LookupAsync(new MailDns(options.Resolver, NetworkLookupTimeout(options)), token) : Task.FromResult<NetworkOrigin?>(null);
        var through = SocksVantage.RunAsync(all, options, proxies ?? [], token);
        var results = await ProbeBatch.RunAsync(all, options, ProbeBatch.DefaultConcurrency, token);
        var records = results.Select(r => ProbeRecord.From(r, vantage)).ToList();
        var proxied = await through;
        var agents = controls is null ? [] : await controls;
        var elsewhere = known.Where(p => p.Vantage != vantage).Concat(agents).Concat(proxied).ToList();

        var byTarget = new List<FieldTarget>();
        foreach (var (name, probeTargets) in expanded)
        {
            var host = probeTargets.Count > 0 ? probeTargets[0].Host : name;
            var rows = records.Where(r => probeTargets.Any(t => Probes(t, r))).Select(here =>
            {
                var others = FieldComparison.LatestElsewhere(here, elsewhere);
                return new FieldRow(here, others, FieldVerdict.Judge(host, here, others));
            }).ToList();
            byTarget.Add(new FieldTarget(name, rows));
        }
        var located = locate ? await LocateInterferenceAsync(byTarget.SelectMany(t => t.Rows), results, records, options, token) : null;
        store?.Invoke([.. agents, .. records, .. proxied]);
        return new FieldReport(started, vantage, Version, byTarget)
        {
            Dns = DnsComparison.Compare(records, [.. agents, .. proxied]), Network = await network, LocateUnavailable = located,
        };
    }

    /// <summary>
    /// Walks the path to each port that shows interference, judged against the answer from elsewhere that
    /// offers STARTTLS (the server's, as seen off this path); the hop goes into here's record. Returns
    /// why it could not be done (no raw sockets), or null.
    /// </summary>
    private static async Task<string?> LocateInterferenceAsync(IEnumerable<FieldRow> rows, IReadOnlyList<ProbeResult> results, List<ProbeRecord> records,
        ProbeOptions options, CancellationToken token)
    {
        var work = rows.Where(r => r.Judgement.Level == FieldLevel.Interference).Select(r => (Row: r, Result: results[records.IndexOf(r.Here)])).ToList();
        if (work.Count == 0)
            return null;
        try
        {
            await LocateBatch.RunAsync(work.Select(w => (w.Result, Reference(w.Row))), options, token);
        }
        catch (LocateUnavailableException)
        {
            return LocateUnavailableException.Needs("locating the interfering hop");
        }
        foreach (var (row, result) in work)
            row.Here.Locate = result.Locate;
        return null;
    }

    private static HopMailAnswer? Reference(FieldRow row) =>
        row.Elsewhere.FirstOrDefault(e => e.StarttlsOffered) is { } far
            ? new HopMailAnswer { Banner = far.Banner, Capabilities = [.. far.Capabilities], StarttlsOffered = true }
            : null;

    /// <summary>Each of the network lookup's three questions gets the probe's reply timeout, at most 5 s: it must not outlast the probes.</summary>
    private static TimeSpan NetworkLookupTimeout(ProbeOptions options) =>
        options.ReplyTimeout < TimeSpan.FromSeconds(5) ? options.ReplyTimeout : TimeSpan.FromSeconds(5);

    /// <summary>Whether the record is a probe of the target: the target itself, or for a mail domain one of its MX hosts (or its implicit MX).</summary>
    private static bool Probes(ProbeTarget target, ProbeRecord record) =>
        record.Target == target.Display
        || (target.IsMailDomain && record.Port == target.Port && string.Equals(record.MailDomain, target.Host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Which stored probes from other vantage points are of the same service as one probe from here.</summary>
public static class FieldComparison
{
    /// <summary>
    /// The latest probe from each other vantage of the same service: same port, protocol and TLS mode,
    /// and the same server by the target named, the address connected to, or the host name the server
    /// gives in its greeting.
    /// </summary>
    public static IReadOnlyList<ProbeRecord> LatestElsewhere(ProbeRecord here, IEnumerable<ProbeRecord> others) =>
        [.. others.Where(o => o.Vantage != here.Vantage && SameService(here, o))
            .GroupBy(o => o.Vantage)
            .Select(g => g.OrderByDescending(o => o.Ts, StringComparer.Ordinal).First())
            .OrderBy(o => o.Vantage, StringComparer.Ordinal)];

    public static bool SameService(ProbeRecord here, ProbeRecord other) =>
        other.Port == here.Port && other.Protocol == here.Protocol && other.ImplicitTls == here.ImplicitTls
        && (string.Equals(other.Target, here.Target, StringComparison.OrdinalIgnoreCase)
            || (here.Server is not null && other.Server == here.Server)
            || (here.ServerName is { Length: > 0 } name && string.Equals(other.ServerName, name, StringComparison.OrdinalIgnoreCase)));
}
