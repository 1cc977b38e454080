using System.CommandLine;
using System.Globalization;
using System.Net;
using Sensor.Cli.Commands.Options;
using Sensor.Core.Agents;
using Sensor.Core.CrossCheck;
using Sensor.Core.Detection;
using Sensor.Core.Output;
using Sensor.Core.Probing;
using Sensor.Core.Probing.Locate;
using Sensor.Core.Probing.Socks;
using Sensor.Core.Storage;
using Serilog;

namespace Sensor.Cli.Commands;

/// <summary>`sensor probe HOST[:PORT]...`: active STARTTLS / implicit TLS probes of mail servers from here.</summary>
public static class ProbeCommand
{
    private static readonly Argument<string[]> Targets = TypedOptions.UpToOptions("targets",
        "DOMAIN, HOST, HOST:PORT or [IPv6]:PORT; a name given without a port and probed for SMTP is a mail domain (MX in preference order, else its own A/AAAA; a null MX is reported as no-mail); HOST:PORT and other protocols resolve the name's A/AAAA; an IP address is probed as it is",
        ArgumentArity.OneOrMore);
    private static readonly Option<ProbeSelection?> Proto = ProbeCliOptions.Proto("ports of a target given without one: smtp (25), submission (587, 465), imap (143, 993), pop3 (110, 995), all; with HOST:PORT, the protocol spoken there (default: guessed from the port)");
    private static readonly Option<bool> Json = CommonOptions.Json("write one JSON Lines probe record per server to stdout instead of the table");
    private static readonly Option<TimeSpan?> Timeout = ProbeCliOptions.Timeout("seconds allowed for each step (connect, greeting, each reply, handshake; the whole probe gets five times that); default 10, greeting 30, whole probe 90");
    private static readonly Option<IPEndPoint?> Resolver = ProbeCliOptions.Resolver("DNS resolver for MX, A/AAAA, TLSA and TXT: IP, IP:PORT or [IPv6]:PORT (default: the system's name servers); DNSSEC status comes from its AD bit, so give a validating resolver for DANE");
    private static readonly Option<string?> Vantage = ProbeCliOptions.Vantage("--vantage", "name of this vantage point in the records (default: local)");
    private static readonly StoreOptions Store = new("the probe results are stored in", "do not store the results");
    private static readonly Option<bool> Enumerate = new("--enumerate") { Description = "also ask each server, one hand-written ClientHello per connection, which versions (SSLv3 to TLS 1.3) and cipher classes (rc4, export, null, anon, 3des, cbc-sha1, aead) it accepts, and grade on all of them (grade_basis: enumerated)" };
    private static readonly Option<int?> Attempts = ProbeCliOptions.Attempts("several show a server that varies between connections, as the cross-check wants");
    private static readonly Option<string?> Via = new Option<string?>("--via") { Description = "probe through the agent NAME (sensor agent) over the NATS server given by --bus, instead of from here (the records carry the agent's name as vantage); or socks5://HOST:PORT, or tor (127.0.0.1:9050): probe from here and through that SOCKS5 proxy (names resolved by the proxy; records named by its URL), and report DNS answers that differ (dns-tampering findings)", HelpName = "NAME" }
        .Checked(ViaAgent.NameError);
    private static readonly BusOptions ViaBus = new();
    private static readonly Option<bool> Locate = new("--locate") { Description = "also walk the path to each server with TTL-limited SYNs (as tcptraceroute does) and say at which hop the answer without STARTTLS, or another greeting or capability list than the server's, first appears, with the routers before it (the record's locate object); needs CAP_NET_RAW, exit 2 without it" };

    public static Command Build()
    {
        var command = new Command("probe", "Probe mail servers from here: greeting, EHLO/CAPABILITY/CAPA, STARTTLS/STLS or implicit TLS, the TLS handshake, certificate facts and a grade. "
            + "DANE (TLSA, DNSSEC-validated only) and the MTA-STS / TLS-RPT TXT records are checked for names. "
            + "With --enumerate, also which versions and cipher classes it accepts. Exit 0 when the probes ran, whatever they found; 2 on bad usage.")
        {
            Targets, Proto, Json, Timeout, Resolver, Vantage, Store.Db, Store.NoDb, CommonOptions.LogFile, CommonOptions.Verbose, Enumerate, Attempts, Via, Locate,
        };
        foreach (var option in ViaBus.All)
            command.Options.Add(option);
        command.SetAction((result, token) => RunAsync(result, token));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, CancellationToken token)
    {
        CommonOptions.ConfigureLogging(result);
        List<ProbeTarget> targets;
        ProbeOptions options;
        SocksProxy? proxy;
        try
        {
            (targets, options, proxy) = ReadSettings(result);
        }
        catch (UsageException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        if (result.GetValue(Locate) && LocateUnavailable(result) is { } unavailable)
        {
            Log.Error("{Message}", unavailable);
            return ExitCodes.BadInput;
        }
        var dbPath = Store.Path(result);
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(token);
        var opening = OpenStoreAsync(dbPath, probing);
        Probed probed = new([], [], null);
        try
        {
            probed = await ProbeAsync(result, targets, options, proxy, probing.Token);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            // stopped because the store cannot be opened: said just below
        }
        SensorStore? store;
        try
        {
            store = await opening;
        }
        catch (StoreException e)
        {
            Log.Error("{Message}", e.Message);
            return ExitCodes.BadInput;
        }
        using (store)
        {
            if (probed.Error is not null)
            {
                Log.Error("{Message}", probed.Error);
                return ExitCodes.BadInput;
            }
            store?.AddProbes(probed.Records);
            if (result.GetValue(Json))
            {
                using var stdout = Console.OpenStandardOutput();
                using var json = new JsonLinesWriter(stdout);
                foreach (var record in probed.Records)
                    json.Write(record);
                foreach (var difference in probed.Dns)
                    json.Write(difference.ToRecord());
            }
            else
            {
                PrintTable(probed.Records);
                PrintLocated(probed.Records);
                foreach (var difference in probed.Dns)
                    Console.WriteLine(TerminalText.Escape($"dns-tampering/{difference.Variant} ({difference.Entry.Severity.ToWire()}): {difference.Summary}"));
            }
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Opens the store beside the probe, which it would otherwise wait for (a LiteDB file and its log: a
    /// few ms, a fifth of a whole probe); a store that cannot be opened stops the probe.
    /// </summary>
    private static Task<SensorStore?> OpenStoreAsync(string? path, CancellationTokenSource probing) =>
        path is null ? Task.FromResult<SensorStore?>(null) : Task.Run<SensorStore?>(() =>
        {
            try
            {
                return SensorStore.Open(path);
            }
            catch (StoreException)
            {
                probing.Cancel();
                throw;
            }
        });

    /// <summary>The probe records, the DNS answers that differ between here and a proxy, or one error line.</summary>
    private sealed record Probed(List<ProbeRecord> Records, IReadOnlyList<DnsDifference> Dns, string? Error);

    /// <summary>
    /// Probes from here, or through the agent named by --via (an error is a bus or agent that cannot be
    /// used), or from here and through the SOCKS proxy named by --via at once, comparing their DNS answers.
    /// </summary>
    private static async Task<Probed> ProbeAsync(ParseResult result, List<ProbeTarget> targets, ProbeOptions options, SocksProxy? proxy, CancellationToken token)
    {
        if (proxy is null && result.GetValue(Via) is { } via)
        {
            if (result.GetValue(Vantage) is not null)
                return new([], [], "--vantage does not go with --via: the records carry the agent's name");
            var request = new AgentRequest
            {
                Targets = [.. result.GetValue(Targets) ?? []],
                Proto = result.GetValue(Proto) is { } proto ? ProbeCliOptions.Text(proto) : null,
                Timeout = result.GetValue(Timeout)?.TotalSeconds,
                Resolver = result.GetValue(Resolver)?.ToString(),
                Attempts = result.GetValue(Attempts),
            };
            var (records, error) = await ViaAgent.ProbeAsync(result, via, ViaBus, request, token);
            return new(records, [], error);
        }
        var vantage = result.GetValue(Vantage) ?? CrossCheckOptions.LocalVantage;
        var through = SocksVantage.RunAsync(targets, options, proxy is null ? [] : [proxy], token);
        var results = await ProbeBatch.RunAsync(targets, options, ProbeBatch.DefaultConcurrency, token);
        if (result.GetValue(Locate))
            await LocateBatch.RunAsync(results.Select(r => (r, (HopMailAnswer?)null)), options, token);
        var here = results.Select(r => ProbeRecord.From(r, vantage)).ToList();
        var elsewhere = await through;
        return new([.. here, .. elsewhere], DnsComparison.Compare(here, elsewhere), null);
    }

    /// <summary>Why --locate cannot be done here (with --via, or without raw sockets); null when it can.</summary>
    private static string? LocateUnavailable(ParseResult result)
    {
        if (result.GetValue(Via) is not null)
            return "--locate does not go with --via: it walks the path from here";
        try
        {
            LocateBatch.CheckAvailable();
            return null;
        }
        catch (LocateUnavailableException)
        {
            return LocateUnavailableException.Needs("--locate");
        }
    }

    private static (List<ProbeTarget>, ProbeOptions, SocksProxy?) ReadSettings(ParseResult result)
    {
        var selection = result.GetValue(Proto);
        var options = ProbeCliOptions.Apply(ProbeOptions.Default, result.GetValue(Timeout), result.GetValue(Resolver))
            with { Enumerate = result.GetValue(Enumerate), Attempts = result.GetValue(Attempts) ?? 1 };
        var targets = new List<ProbeTarget>();
        foreach (var text in result.GetValue(Targets) ?? [])
        {
            try
            {
                targets.AddRange(ProbeTarget.Parse(text, selection));
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
        }
        return (targets, options, ReadProxy(result.GetValue(Via)));
    }

    /// <summary>The SOCKS proxy --via names, or null for none (or an agent's name).</summary>
    private static SocksProxy? ReadProxy(string? via) =>
        via is not null && SocksProxy.IsProxy(via) ? CrossCheckCli.ReadProxy(via) : null;

    private static void PrintTable(IReadOnlyList<ProbeRecord> records)
    {
        // a second vantage (--via socks5://) gets a column of its own; one vantage keeps the table as it was
        bool vantages = records.Select(r => r.Vantage).Distinct().Skip(1).Any();
        string Vantage(string name) => vantages ? $"{name,-24} " : "";
        Console.WriteLine($"{Vantage("VANTAGE")}{"SERVER",-24} {"PROTO",-5} {"OUTCOME",-16} {"TLS",-8} {"GRADE",-9} {"TRUSTED",-7} {"NAME",-5} {"DANE",-9} CIPHER / ERROR");
        foreach (var r in records)
        {
            var grade = r.Grade is null ? "-" : $"{r.Grade} ({r.Score})";
            var detail = r.Error ?? r.TlsCipher ?? "";
            // the server's words (banner, reply text in an error) reach the terminal only escaped
            Console.WriteLine(TerminalText.Escape($"{Vantage(r.Vantage)}{r.Server ?? r.Target,-24} {r.Protocol,-5} {r.Outcome,-16} {r.TlsVersion ?? "-",-8} {grade,-9} {YesNo(r.CertTrusted),-7} {YesNo(r.NameMatch),-5} {(r.Dane.Checked ? r.Dane.Result : "-"),-9} {detail}"));
        }
        var checks = records.Any(r => r.Dane.Checked || r.MtaSts.Checked)
            ? "DANE from TLSA (counts only when DNSSEC-validated)" : "DANE and MTA-STS not checked";
        var basis = string.Join(", ", records.Select(r => r.GradeBasis).Distinct());
        Console.WriteLine($"{records.Count} server(s) probed; grade basis: {basis} (30% protocol, 30% key exchange, 40% cipher; an untrusted certificate does not cap it); {checks}.");
        foreach (var domain in records.Where(r => r.MtaSts.Checked).GroupBy(r => r.MtaSts.Domain).Select(g => g.First().MtaSts))
            Console.WriteLine(TerminalText.Escape($"{domain.Domain}: MTA-STS TXT {domain.Txt ?? "none"} | policy {(domain.Policy is { } p ? $"mode {p.Mode}, max_age {p.MaxAge}" : "none")} | TLS-RPT {domain.Tlsrpt ?? "none"}"));
    }

    /// <summary>One line per located server: where the answer without STARTTLS first appears, or where the server answers.</summary>
    private static void PrintLocated(IReadOnlyList<ProbeRecord> records)
    {
        foreach (var r in records.Where(r => r.Locate is not null))
            Console.WriteLine(TerminalText.Escape($"{r.Server ?? r.Target}: {r.Locate!.Summary}"));
    }

    private static string YesNo(bool? value) => value switch { true => "yes", false => "no", null => "-" };
}
