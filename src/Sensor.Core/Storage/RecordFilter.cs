using Sensor.Core.Detection;

namespace Sensor.Core.Storage;

/// <summary>
/// What a query of the store keeps (docs/store.md); every filter that is set must hold. Times bound
/// the records' own <c>ts</c> (a replay's are the capture's), both ends included.
/// </summary>
public sealed record RecordFilter
{
    /// <summary>Finding kinds, any of them (findings only).</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Finding variants, any of them (findings only).</summary>
    public IReadOnlyList<string> Variants { get; init; } = [];

    /// <summary>This severity or higher (findings only).</summary>
    public Severity? MinSeverity { get; init; }

    /// <summary>An endpoint (ip:port, [v6]:port), an address (every port of it) or a host name (the greeting's, any case).</summary>
    public string? Server { get; init; }

    /// <summary>A user name, exactly as sent.</summary>
    public string? User { get; init; }

    public DateTime? From { get; init; }
    public DateTime? To { get; init; }

    /// <summary>A run id: only what that run made.</summary>
    public string? Run { get; init; }

    /// <summary>At most this many records, the newest first; null for all.</summary>
    public int? Limit { get; init; }
}
