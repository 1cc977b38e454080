using Sensor.Core.Protocols;

namespace Sensor.Core.Sessions;

/// <summary>
/// Two versions of the same server bytes that disagree about STARTTLS (one offers it and one does not,
/// or one accepts it and one refuses it): an injection race on the path. <see cref="Kept"/> is the
/// version that arrived first and that the session was read from; the texts are escaped and truncated.
/// </summary>
public sealed record ReplyRace(StartTlsStance Kept, StartTlsStance Other, string KeptText, string OtherText, long Ticks)
{
    public const int MaxPerSession = 4;

    /// <summary>True when the two stances disagree about the upgrade.</summary>
    public static bool Disagree(StartTlsStance a, StartTlsStance b) =>
        (a, b) is (StartTlsStance.Offered, StartTlsStance.NotOffered) or (StartTlsStance.NotOffered, StartTlsStance.Offered)
            or (StartTlsStance.Accepted, StartTlsStance.Refused) or (StartTlsStance.Refused, StartTlsStance.Accepted);

    /// <summary>The race is over a capability list (else over the answer to STARTTLS).</summary>
    public bool OverOffer => Kept is StartTlsStance.Offered or StartTlsStance.NotOffered;

    /// <summary>True when the kept version is the one that lets the upgrade happen (offers it, or accepts it).</summary>
    public bool KeptAllowsTls => Kept is StartTlsStance.Offered or StartTlsStance.Accepted;
}
