using Sensor.Core.Sessions;

namespace Sensor.Core.Output;

/// <summary>
/// A finished mail session's record, mapped the first time a sink asks for it. The console summary,
/// the counters and the store's server history read the session itself; mapping a record (its times,
/// addresses, Community ID and lists) for every session when no output writes it was a tenth of a
/// replay's work.
/// </summary>
public sealed class SessionRecordOnDemand
{
    private readonly RecordMapper? _mapper;
    private readonly MailSession? _session;
    private SessionRecord? _record;

    public SessionRecordOnDemand(RecordMapper mapper, MailSession session) => (_mapper, _session) = (mapper, session);

    /// <summary>A record already made (a replayed or imported one, a test's).</summary>
    public SessionRecordOnDemand(SessionRecord record) => _record = record;

    public SessionRecord Value => _record ??= _mapper!.ToRecord(_session!);
}
