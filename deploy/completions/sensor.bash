# bash completion for sensor(1): verbs, options, option values and files.
# Generated from the command tree (scripts/generate-docs.sh); do not edit.
_sensor_verbs()
{
    case "$1" in
        'sensor') echo 'replay live probe agent tail import fieldtest survey rules store findings sessions servers runs' ;;
        'sensor rules') echo 'check' ;;
        'sensor store') echo 'prune stats' ;;
    esac
}

_sensor_options()
{
    case "$1" in
        'sensor') echo '-h --help --version' ;;
        'sensor replay') echo '--json --db --no-db --store-sessions --rules --policy --show-secrets --evidence --fail-on --crosscheck-max-age --memory-budget --log-file -v --verbose --no-progress --crosscheck --via --crosscheck-ttl --crosscheck-timeout --crosscheck-attempts --crosscheck-wait --local-vantage --bus --creds --user --password-file --token-file --sensor-name --bus-outbox-max --publish -h --help' ;;
        'sensor live') echo '-c --config -i --interface --bpf --json --jsonl-file --db --no-db --store-sessions --show-secrets --log-file -v --verbose --workers --evidence --memory-budget --stats-interval --keep --crosscheck --via --crosscheck-ttl --crosscheck-timeout --crosscheck-attempts --crosscheck-wait --local-vantage --bus --creds --user --password-file --token-file --sensor-name --bus-outbox-max --publish -h --help' ;;
        'sensor probe') echo '--proto --json --timeout --resolver --vantage --db --no-db --log-file -v --verbose --enumerate --attempts --via --locate --bus --creds --user --password-file --token-file -h --help' ;;
        'sensor agent') echo '--name --allow --max-concurrent --rate --log-file -v --verbose --bus --creds --user --password-file --token-file -h --help' ;;
        'sensor tail') echo '--kind --severity --sensor --all --since --no-follow --json --log-file -v --verbose --bus --creds --user --password-file --token-file -h --help' ;;
        'sensor import') echo '--db --log-file -v --verbose -h --help' ;;
        'sensor fieldtest') echo '--report --json --timeout --proto --vantage --resolver --attempts --no-network-name --fail-on --db --no-db --log-file -v --verbose --via --bus --creds --user --password-file --token-file -h --help' ;;
        'sensor survey') echo '--json --report --concurrency --per-destination --resolver --timeout --vantage --db --fresh --no-db --no-progress --log-file -v --verbose -h --help' ;;
        'sensor rules') echo '-h --help' ;;
        'sensor rules check') echo '-h --help' ;;
        'sensor store') echo '-h --help' ;;
        'sensor store prune') echo '--db --older-than -h --help' ;;
        'sensor store stats') echo '--db -h --help' ;;
        'sensor findings') echo '--db --since --from --to --run --limit --json --server --user --kind --variant --severity --show-secrets -h --help' ;;
        'sensor sessions') echo '--db --since --from --to --run --limit --json --server --user -h --help' ;;
        'sensor servers') echo '--db --since --from --to --run --limit --json --server -h --help' ;;
        'sensor runs') echo '--db --since --from --to --run --limit --json -h --help' ;;
    esac
}

_sensor_value()
{
    case "$1|$2" in
        'sensor replay|--db') echo 'file' ;;
        'sensor replay|--rules') echo 'file' ;;
        'sensor replay|--policy') echo 'file' ;;
        'sensor replay|--evidence') echo 'dir' ;;
        'sensor replay|--fail-on') echo 'words high info low medium' ;;
        'sensor replay|--crosscheck-max-age') echo 'text' ;;
        'sensor replay|--memory-budget') echo 'text' ;;
        'sensor replay|--log-file') echo 'file' ;;
        'sensor replay|--via') echo 'text' ;;
        'sensor replay|--crosscheck-ttl') echo 'text' ;;
        'sensor replay|--crosscheck-timeout') echo 'text' ;;
        'sensor replay|--crosscheck-attempts') echo 'text' ;;
        'sensor replay|--crosscheck-wait') echo 'text' ;;
        'sensor replay|--local-vantage') echo 'text' ;;
        'sensor replay|--bus') echo 'text' ;;
        'sensor replay|--creds') echo 'file' ;;
        'sensor replay|--user') echo 'text' ;;
        'sensor replay|--password-file') echo 'file' ;;
        'sensor replay|--token-file') echo 'file' ;;
        'sensor replay|--sensor-name') echo 'text' ;;
        'sensor replay|--bus-outbox-max') echo 'text' ;;
        'sensor replay|') echo file ;;
        'sensor live|-c'|'sensor live|--config') echo 'file' ;;
        'sensor live|-i'|'sensor live|--interface') echo 'text' ;;
        'sensor live|--bpf') echo 'text' ;;
        'sensor live|--jsonl-file') echo 'file' ;;
        'sensor live|--db') echo 'file' ;;
        'sensor live|--log-file') echo 'file' ;;
        'sensor live|--workers') echo 'text' ;;
        'sensor live|--evidence') echo 'dir' ;;
        'sensor live|--memory-budget') echo 'text' ;;
        'sensor live|--stats-interval') echo 'text' ;;
        'sensor live|--keep') echo 'text' ;;
        'sensor live|--via') echo 'text' ;;
        'sensor live|--crosscheck-ttl') echo 'text' ;;
        'sensor live|--crosscheck-timeout') echo 'text' ;;
        'sensor live|--crosscheck-attempts') echo 'text' ;;
        'sensor live|--crosscheck-wait') echo 'text' ;;
        'sensor live|--local-vantage') echo 'text' ;;
        'sensor live|--bus') echo 'text' ;;
        'sensor live|--creds') echo 'file' ;;
        'sensor live|--user') echo 'text' ;;
        'sensor live|--password-file') echo 'file' ;;
        'sensor live|--token-file') echo 'file' ;;
        'sensor live|--sensor-name') echo 'text' ;;
        'sensor live|--bus-outbox-max') echo 'text' ;;
        'sensor probe|--proto') echo 'words all imap pop3 smtp submission' ;;
        'sensor probe|--timeout') echo 'text' ;;
        'sensor probe|--resolver') echo 'text' ;;
        'sensor probe|--vantage') echo 'text' ;;
        'sensor probe|--db') echo 'file' ;;
        'sensor probe|--log-file') echo 'file' ;;
        'sensor probe|--attempts') echo 'text' ;;
        'sensor probe|--via') echo 'text' ;;
        'sensor probe|--bus') echo 'text' ;;
        'sensor probe|--creds') echo 'file' ;;
        'sensor probe|--user') echo 'text' ;;
        'sensor probe|--password-file') echo 'file' ;;
        'sensor probe|--token-file') echo 'file' ;;
        'sensor agent|--name') echo 'text' ;;
        'sensor agent|--allow') echo 'text' ;;
        'sensor agent|--max-concurrent') echo 'text' ;;
        'sensor agent|--rate') echo 'text' ;;
        'sensor agent|--log-file') echo 'file' ;;
        'sensor agent|--bus') echo 'text' ;;
        'sensor agent|--creds') echo 'file' ;;
        'sensor agent|--user') echo 'text' ;;
        'sensor agent|--password-file') echo 'file' ;;
        'sensor agent|--token-file') echo 'file' ;;
        'sensor tail|--kind') echo 'text' ;;
        'sensor tail|--severity') echo 'words high info low medium' ;;
        'sensor tail|--sensor') echo 'text' ;;
        'sensor tail|--since') echo 'text' ;;
        'sensor tail|--log-file') echo 'file' ;;
        'sensor tail|--bus') echo 'text' ;;
        'sensor tail|--creds') echo 'file' ;;
        'sensor tail|--user') echo 'text' ;;
        'sensor tail|--password-file') echo 'file' ;;
        'sensor tail|--token-file') echo 'file' ;;
        'sensor import|--db') echo 'file' ;;
        'sensor import|--log-file') echo 'file' ;;
        'sensor import|') echo file ;;
        'sensor fieldtest|--report') echo 'file' ;;
        'sensor fieldtest|--timeout') echo 'text' ;;
        'sensor fieldtest|--proto') echo 'words all imap pop3 smtp submission' ;;
        'sensor fieldtest|--vantage') echo 'text' ;;
        'sensor fieldtest|--resolver') echo 'text' ;;
        'sensor fieldtest|--attempts') echo 'text' ;;
        'sensor fieldtest|--fail-on') echo 'words interference unencrypted' ;;
        'sensor fieldtest|--db') echo 'file' ;;
        'sensor fieldtest|--log-file') echo 'file' ;;
        'sensor fieldtest|--via') echo 'text' ;;
        'sensor fieldtest|--bus') echo 'text' ;;
        'sensor fieldtest|--creds') echo 'file' ;;
        'sensor fieldtest|--user') echo 'text' ;;
        'sensor fieldtest|--password-file') echo 'file' ;;
        'sensor fieldtest|--token-file') echo 'file' ;;
        'sensor survey|--report') echo 'file' ;;
        'sensor survey|--concurrency') echo 'text' ;;
        'sensor survey|--per-destination') echo 'text' ;;
        'sensor survey|--resolver') echo 'text' ;;
        'sensor survey|--timeout') echo 'text' ;;
        'sensor survey|--vantage') echo 'text' ;;
        'sensor survey|--db') echo 'file' ;;
        'sensor survey|--log-file') echo 'file' ;;
        'sensor survey|') echo file ;;
        'sensor rules check|') echo file ;;
        'sensor store prune|--db') echo 'text' ;;
        'sensor store prune|--older-than') echo 'text' ;;
        'sensor store stats|--db') echo 'text' ;;
        'sensor findings|--db') echo 'text' ;;
        'sensor findings|--since') echo 'text' ;;
        'sensor findings|--from') echo 'text' ;;
        'sensor findings|--to') echo 'text' ;;
        'sensor findings|--run') echo 'text' ;;
        'sensor findings|--limit') echo 'text' ;;
        'sensor findings|--server') echo 'text' ;;
        'sensor findings|--user') echo 'text' ;;
        'sensor findings|--kind') echo 'text' ;;
        'sensor findings|--variant') echo 'text' ;;
        'sensor findings|--severity') echo 'words high info low medium' ;;
        'sensor sessions|--db') echo 'text' ;;
        'sensor sessions|--since') echo 'text' ;;
        'sensor sessions|--from') echo 'text' ;;
        'sensor sessions|--to') echo 'text' ;;
        'sensor sessions|--run') echo 'text' ;;
        'sensor sessions|--limit') echo 'text' ;;
        'sensor sessions|--server') echo 'text' ;;
        'sensor sessions|--user') echo 'text' ;;
        'sensor servers|--db') echo 'text' ;;
        'sensor servers|--since') echo 'text' ;;
        'sensor servers|--from') echo 'text' ;;
        'sensor servers|--to') echo 'text' ;;
        'sensor servers|--run') echo 'text' ;;
        'sensor servers|--limit') echo 'text' ;;
        'sensor servers|--server') echo 'text' ;;
        'sensor runs|--db') echo 'text' ;;
        'sensor runs|--since') echo 'text' ;;
        'sensor runs|--from') echo 'text' ;;
        'sensor runs|--to') echo 'text' ;;
        'sensor runs|--run') echo 'text' ;;
        'sensor runs|--limit') echo 'text' ;;
        *) echo none ;;
    esac
}

_sensor()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= node=sensor word value i
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    # the verb path so far; an option's value is never a verb
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word=${COMP_WORDS[i]}
        if [[ $word == -* ]]; then
            [[ $(_sensor_value "$node" "$word") != none ]] && (( i++ ))
        elif [[ " $(_sensor_verbs "$node") " == *" $word "* ]]; then
            node="$node $word"
        fi
    done
    if [[ $prev == -* ]]; then
        value=$(_sensor_value "$node" "$prev")
        case $value in
            file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
            text) COMPREPLY=(); return ;;
            words\ *) COMPREPLY=($(compgen -W "${value#words }" -- "$cur")); return ;;
        esac
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_sensor_options "$node")" -- "$cur"))
    elif [[ -n $(_sensor_verbs "$node") ]]; then
        COMPREPLY=($(compgen -W "$(_sensor_verbs "$node")" -- "$cur"))
    elif [[ $(_sensor_value "$node" "") == file ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=()
    fi
}

complete -o filenames -F _sensor sensor
