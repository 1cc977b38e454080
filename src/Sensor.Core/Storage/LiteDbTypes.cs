using System.Diagnostics.CodeAnalysis;
using Sensor.Core.Output;
using Sensor.Core.Probing.Dns;
using Sensor.Core.Survey;

namespace Sensor.Core.Storage;

/// <summary>
/// The classes LiteDB's BsonMapper turns into documents and back. It finds their constructors and
/// properties by reflection at run time, which trimming cannot see: a Native AOT build without these
/// roots stores documents holding nothing but an _id and cannot create the classes to read them back
/// (bench/aot-check.sh compares what the native and the JIT build store). Whatever opens a LiteDB
/// file calls <see cref="Keep"/> first, so the roots come with the code that needs them.
/// </summary>
internal static class LiteDbTypes
{
    private const DynamicallyAccessedMemberTypes Mapped =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties;

    [DynamicDependency(Mapped, typeof(SessionRecord))]
    [DynamicDependency(Mapped, typeof(AuthRecord))]
    [DynamicDependency(Mapped, typeof(FindingRecord))]
    [DynamicDependency(Mapped, typeof(RunRecord))]
    [DynamicDependency(Mapped, typeof(CaptureFileRecord))]
    [DynamicDependency(Mapped, typeof(ServerHistoryRecord))]
    [DynamicDependency(Mapped, typeof(ProbeRecord))]
    [DynamicDependency(Mapped, typeof(AcceptedRecord))]
    [DynamicDependency(Mapped, typeof(NotTestedRecord))]
    [DynamicDependency(Mapped, typeof(AttemptRecord))]
    [DynamicDependency(Mapped, typeof(DaneCheck))]
    [DynamicDependency(Mapped, typeof(TlsaEntry))]
    [DynamicDependency(Mapped, typeof(MtaStsCheck))]
    [DynamicDependency(Mapped, typeof(MtaStsPolicy))]
    [DynamicDependency(Mapped, typeof(VerdictRecord))]
    [DynamicDependency(Mapped, typeof(EvidenceRecord))]
    [DynamicDependency(Mapped, typeof(PassiveRecord))]
    [DynamicDependency(Mapped, typeof(VerdictProbeRecord))]
    [DynamicDependency(Mapped, typeof(SurveyEntry))]
    public static void Keep() { }
}
