namespace Sensor.Core.Agents;

/// <summary>NATS subjects of the agent protocol, and the checks on an agent's name.</summary>
public static class AgentSubjects
{
    public const string Prefix = "sensor.probe.";

    public static string For(string agent) => Prefix + agent;

    /// <summary>1-64 of [A-Za-z0-9_-]: a single NATS subject token, so no wildcard or dot can widen the subscription.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
