# zsh -f zsh-complete.zsh DIR 'sensor WORDS': prints what zsh's completion offers for the words (cursor at the end),
# one a line. An interactive zsh runs in a pseudo-terminal with DIR first in its fpath; its compadd is wrapped to
# print the matches it is given (after zsh's own matching), and the shell exits when completion is done.
zmodload zsh/zpty
zpty shell zsh -f -i
zpty -w shell "fpath=(${(q)1} \$fpath); autoload -U compinit && compinit -u -D"
# the markers are written in two pieces so that the echo of these lines does not match them
zpty -w shell 'compadd() { if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi; local -a found; builtin compadd -O found "$@"; (( $#found )) && print -rl -- "MAT""CH:"${^found}; builtin compadd "$@"; }'
zpty -w shell 'sensor-done() { print -r -- "DONE""MARK"; exit; }; comppostfuncs=(sensor-done)'
zpty -w shell 'bindkey "^I" complete-word'
zpty -w -n shell "$2"$'\t'
local line
while zpty -r shell line; do
  [[ $line == *DONEMARK* ]] && break
  [[ $line == *MATCH:* ]] && print -r -- ${${line##*MATCH:}%$'\r'}
done
zpty -d shell
