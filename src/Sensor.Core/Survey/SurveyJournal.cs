using LiteDB;
using Sensor.Core.Output;

namespace Sensor.Core.Survey;

/// <summary>One finished domain of a survey, with its probe records.</summary>
public sealed class SurveyEntry
{
    /// <summary>"SURVEY-ID/ENTRY".</summary>
    public string Id { get; set; } = "";
    public string Survey { get; set; } = "";
    public string Entry { get; set; } = "";
    public string Ts { get; set; } = "";
    public List<ProbeRecord> Records { get; set; } = [];
}

/// <summary>
/// What a survey has finished, kept in a LiteDB file beside the store (PATH.survey for the store
/// PATH), one entry per domain, committed as each domain finishes: a survey stopped by Ctrl-C or a
/// crash resumes with the domains not yet in it. The store's own collections are not touched.
/// </summary>
public sealed class SurveyJournal : IDisposable
{
    private readonly LiteDatabase _db;
    private readonly ILiteCollection<SurveyEntry> _entries;
    private readonly Lock _lock = new();

    private SurveyJournal(LiteDatabase db)
    {
        _db = db;
        _entries = db.GetCollection<SurveyEntry>("survey_domains");
        _entries.EnsureIndex(e => e.Survey);
    }

    public static string PathFor(string storePath) => storePath + ".survey";

    public static SurveyJournal Open(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        Storage.LiteDbTypes.Keep();
        var mapper = new BsonMapper { ResolveFieldName = name => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name) };
        return new SurveyJournal(new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, mapper));
    }

    /// <summary>Finished domains of the survey, by entry.</summary>
    public Dictionary<string, SurveyEntry> Finished(string survey)
    {
        lock (_lock)
            return _entries.Find(e => e.Survey == survey).ToDictionary(e => e.Entry, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Forgets what the survey finished, so that every domain is probed again.</summary>
    public void Forget(string survey)
    {
        lock (_lock)
            _entries.DeleteMany(e => e.Survey == survey);
    }

    public void Add(SurveyEntry entry)
    {
        lock (_lock)
            _entries.Upsert(entry);
    }

    public void Dispose() => _db.Dispose();
}
