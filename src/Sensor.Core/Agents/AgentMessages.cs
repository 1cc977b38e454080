using System.Text.Json.Serialization;
using Sensor.Core.Output;

namespace Sensor.Core.Agents;

/// <summary>What `sensor probe --via` sends to an agent on <c>sensor.probe.NAME</c>.</summary>
public sealed class AgentRequest
{
    public List<string> Targets { get; set; } = [];
    /// <summary>smtp, submission, imap, pop3 or all (as `sensor probe --proto`).</summary>
    public string? Proto { get; set; }
    /// <summary>Seconds per step, as `sensor probe --timeout`; the agent caps it.</summary>
    public double? Timeout { get; set; }
    /// <summary>DNS resolver the agent should use (IP, IP:PORT, [v6]:PORT); default the agent's own.</summary>
    public string? Resolver { get; set; }
    /// <summary>Connections to make to each address (1 to <see cref="Probing.ProbeOptions.MaxAttempts"/>; default 1): a cross-check asks for several.</summary>
    public int? Attempts { get; set; }
}

/// <summary>The agent's answer: one probe record per server (vantage = the agent's name), or an error for the request as a whole.</summary>
public sealed class AgentReply
{
    public string Agent { get; set; } = "";
    public List<ProbeRecord> Records { get; set; } = [];
    public string? Error { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AgentRequest))]
[JsonSerializable(typeof(AgentReply))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
