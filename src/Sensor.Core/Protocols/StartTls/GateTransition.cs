namespace Sensor.Core.Protocols.StartTls;

/// <summary>One row of <see cref="StartTlsGate.Transitions"/>: in <paramref name="From"/>, <paramref name="On"/> leads to <paramref name="To"/> and asks for <paramref name="Effects"/>.</summary>
public readonly record struct GateTransition(GateState From, GateEvent On, GateState To, GateEffects Effects);
