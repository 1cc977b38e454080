using Sensor.Core.Storage;

namespace Sensor.Core.Output;

/// <summary>
/// The "server" record (docs/output.md): what the store remembers of one server under one key, as
/// `sensor servers --json` writes it. <c>ts</c> is when the server was last seen (capture time).
/// </summary>
public sealed class ServerRecord
{
    public string Type { get; set; } = "server";
    public string Ts { get; set; } = "";

    /// <summary>The history key: "PROTOCOL|ep|ENDPOINT" or "PROTOCOL|name|HOST|PORT".</summary>
    public string Id { get; set; } = "";

    public string Protocol { get; set; } = "";

    /// <summary>"endpoint" (filed by ip:port) or "name" (filed by the greeting's host name and port).</summary>
    public string Key { get; set; } = "";

    /// <summary>The endpoint, or the host name and port ("mx.example.net:25").</summary>
    public string Server { get; set; } = "";

    public bool StarttlsOffered { get; set; }
    public string FirstSeen { get; set; } = "";
    public string LastSeen { get; set; } = "";
    public string? LastOffered { get; set; }

    /// <summary>The run whose session of <see cref="LastOffered"/> offered STARTTLS: what a later "removed" finding's known_from names.</summary>
    public string? OfferedRun { get; set; }

    public long Sessions { get; set; }
    public string? LastCertSha256 { get; set; }

    public static ServerRecord From(ServerHistoryRecord history)
    {
        var parts = history.Id.Split('|');
        bool byName = parts is [_, "name", _, _];
        var lastSeen = Rfc3339.Format(history.LastSeen);
        return new ServerRecord
        {
            Ts = lastSeen,
            Id = history.Id,
            Protocol = parts[0],
            Key = byName ? "name" : "endpoint",
            Server = byName ? $"{parts[2]}:{parts[3]}" : parts.Length > 2 ? parts[2] : history.Id,
            StarttlsOffered = history.StarttlsOffered,
            FirstSeen = Rfc3339.Format(history.FirstSeen),
            LastSeen = lastSeen,
            LastOffered = history.LastOffered is { } offered ? Rfc3339.Format(offered) : null,
            OfferedRun = history.OfferedRun,
            Sessions = history.Sessions,
            LastCertSha256 = history.LastCertSha256,
        };
    }
}
