using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sensor.Tests.Replay;

/// <summary>captures/manifest.json: what each real capture must yield, exactly.</summary>
public sealed class Manifest
{
    public List<ManifestCapture> Captures { get; set; } = [];

    public static readonly string CapturesDirectory = FindCaptures();

    public static Manifest Load() =>
        JsonSerializer.Deserialize<Manifest>(File.ReadAllText(Path.Combine(CapturesDirectory, "manifest.json")), Options)!;

    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static string FindCaptures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "captures", "manifest.json")))
                return Path.Combine(dir.FullName, "captures");
        throw new DirectoryNotFoundException("captures/manifest.json not found above the test binaries");
    }
}

public sealed class ManifestCapture
{
    public string File { get; set; } = "";
    public string MadeBy { get; set; } = "";
    public bool Truncated { get; set; }
    public List<ManifestSession> Sessions { get; set; } = [];
    public List<ManifestFinding> Findings { get; set; } = [];
    public string Path => System.IO.Path.Combine(Manifest.CapturesDirectory, File);
}

public sealed class ManifestSession
{
    public string Protocol { get; set; } = "";
    public string Client { get; set; } = "";
    public string Server { get; set; } = "";
    public string? ServerName { get; set; }
    public bool StarttlsOffered { get; set; }
    public bool StarttlsAttempted { get; set; }
    public bool TlsEstablished { get; set; }
    public string? TlsVersion { get; set; }
    public List<ManifestAuth> Auth { get; set; } = [];
    public int Messages { get; set; }

    public override string ToString() =>
        $"{Protocol} {Client}->{Server} name={ServerName} offered={StarttlsOffered} attempted={StarttlsAttempted} tls={TlsEstablished} {TlsVersion} auth=[{string.Join(",", Auth.Select(a => $"{a.Mechanism}:{a.User}"))}] messages={Messages}";
}

public sealed class ManifestAuth
{
    public string Mechanism { get; set; } = "";
    public string? User { get; set; }
}

public sealed class ManifestFinding
{
    public string Kind { get; set; } = "";
    public string? Variant { get; set; }
    public string Protocol { get; set; } = "";
    public string Client { get; set; } = "";
    public string Server { get; set; } = "";
    public string? User { get; set; }

    public override string ToString() => $"{Kind}/{Variant} {Protocol} {Client}->{Server} user={User}";
}
