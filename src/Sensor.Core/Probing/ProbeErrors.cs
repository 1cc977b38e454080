namespace Sensor.Core.Probing;

/// <summary>A probe step failed; <see cref="Outcome"/> is the probe's outcome and the message its error line.</summary>
public sealed class ProbeStepException(string outcome, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Outcome { get; } = outcome;

    public static ProbeStepException Protocol(string message) => new(ProbeOutcome.ProtocolError, message);
}
