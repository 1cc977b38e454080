using System.Globalization;
using System.Net;
using System.Text.Json;
using Sensor.Core.Output;
using Sensor.Core.Probing;

namespace Sensor.Core.CrossCheck;

/// <summary>The probe records of one JSON Lines file, and how many lines of other record types were skipped.</summary>
public sealed record ProbeImportFile(string Path, IReadOnlyList<ProbeRecord> Probes, IReadOnlyDictionary<string, int> SkippedByType)
{
    public int Skipped => SkippedByType.Values.Sum();
}

/// <summary>A line that is not a valid record: the message names the file and the line number.</summary>
public sealed class ProbeImportException(string message) : Exception(message);

/// <summary>
/// Reads JSON Lines that another vantage point's <c>sensor probe --json</c> wrote. Every line is
/// validated; the first bad one fails the whole file (nothing of it is imported), so a truncated or
/// edited file cannot leave half its probes in the store. Other record types are skipped and counted.
/// </summary>
public static class ProbeImport
{
    public const int MaxVantageLength = 64;
    private static readonly string[] RequiredFields = ["vantage", "ts", "protocol", "port", "outcome"];
    private static readonly HashSet<string> Protocols = ["smtp", "imap", "pop3"];
    private static readonly HashSet<string> Outcomes =
    [
        ProbeOutcome.Ok, ProbeOutcome.StartTlsAbsent, ProbeOutcome.StartTlsRefused, ProbeOutcome.TlsFailed,
        ProbeOutcome.Unreachable, ProbeOutcome.Timeout, ProbeOutcome.ProtocolError,
    ];

    public static ProbeImportFile Read(string path)
    {
        var probes = new List<ProbeRecord>();
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var (type, record, error) = Parse(line);
            if (error is not null)
                throw new ProbeImportException($"{path}:{number}: {error}");
            if (record is null)
                skipped[type!] = skipped.GetValueOrDefault(type!) + 1;
            else
                probes.Add(record);
        }
        return new ProbeImportFile(path, probes, skipped);
    }

    /// <summary>One line: its type, the probe record when it is one, or what is wrong with it.</summary>
    public static (string? Type, ProbeRecord? Record, string? Error) Parse(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return (null, null, $"not JSON ({e.Message.Split(" Path:")[0]})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, null, "not a JSON object");
            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                return (null, null, "no \"type\" field");
            var type = typeElement.GetString()!;
            if (type != "probe")
                return (type, null, null);
            foreach (var field in RequiredFields)
                if (!root.TryGetProperty(field, out _))
                    return (type, null, $"probe record without \"{field}\"");
            ProbeRecord? record;
            try
            {
                record = root.Deserialize(RecordJsonContext.Default.ProbeRecord);
            }
            catch (JsonException e)
            {
                return (type, null, $"probe record field {e.Path?.TrimStart('$', '.') ?? "?"} has the wrong type");
            }
            if (record is null)
                return (type, null, "empty probe record");
            return Validate(record) is { } error ? (type, null, error) : (type, Normalise(record), null);
        }
    }

    private static string? Validate(ProbeRecord r)
    {
        if (string.IsNullOrEmpty(r.Vantage) || r.Vantage.Length > MaxVantageLength || r.Vantage.Any(char.IsControl))
            return $"probe record without a valid \"vantage\" (1 to {MaxVantageLength} printable characters)";
        if (ProbeConsensus.ParseTs(r.Ts) is null)
            return $"probe record \"ts\" is not an RFC 3339 time: '{r.Ts}'";
        if (!Protocols.Contains(r.Protocol))
            return $"probe record \"protocol\" must be smtp, imap or pop3, not '{r.Protocol}'";
        if (r.Port is < 1 or > 65535)
            return $"probe record \"port\" out of range: {r.Port}";
        if (r.Server is not null && !IsEndpoint(r.Server))
            return $"probe record \"server\" is not \"ip:port\" or \"[v6]:port\": '{r.Server}'";
        if (!Outcomes.Contains(r.Outcome))
            return $"probe record \"outcome\" unknown: '{r.Outcome}'";
        if (r.CertSha256 is not null && (r.CertSha256.Length != 64 || !r.CertSha256.All(char.IsAsciiHexDigit)))
            return "probe record \"cert_sha256\" is not 64 hex digits";
        if (r.TlsEstablished && r.Outcome != ProbeOutcome.Ok)
            return $"probe record says tls_established with outcome '{r.Outcome}'";
        return r.Attempts is { } attempts ? ValidateAttempts(attempts) : null;
    }

    /// <summary>Each connection of a repeated probe is judged on its own: it must say as clearly what it saw.</summary>
    private static string? ValidateAttempts(List<ProbeAttempt> attempts)
    {
        if (attempts.Count is 0 or > ProbeOptions.MaxAttempts)
            return $"probe record \"attempts\" must hold 1 to {ProbeOptions.MaxAttempts} connections, not {attempts.Count}";
        foreach (var a in attempts)
        {
            if (a is null || !Outcomes.Contains(a.Outcome))
                return $"probe record \"attempts\" has an unknown outcome: '{a?.Outcome}'";
            if (a.TlsEstablished && a.Outcome != ProbeOutcome.Ok)
                return $"probe record \"attempts\" says tls_established with outcome '{a.Outcome}'";
        }
        return null;
    }

    private static bool IsEndpoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0
        && (endpoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.StartsWith('['));

    /// <summary>Times in one form and fingerprints in lower case, so duplicates are recognised.</summary>
    private static ProbeRecord Normalise(ProbeRecord r)
    {
        r.Ts = Rfc3339.Format(ProbeConsensus.ParseTs(r.Ts)!.Value);
        r.CertSha256 = r.CertSha256?.ToLowerInvariant();
        r.SpkiSha256 = r.SpkiSha256?.ToLowerInvariant();
        r.Type = "probe";
        return r;
    }
}
