#!/usr/bin/env sh
# Installs the one-folder app for the current user (no root): the folder goes to
# ~/.local/opt/vitrina, a `vitrina` link to ~/.local/bin, the menu entry and icons to ~/.local/share.
# Run it from the built folder (dist/vitrina/install.sh); run it again to update.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${XDG_DATA_HOME:-$HOME/.local/share}
opt=$HOME/.local/opt/vitrina
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$prefix/applications" \
  "$prefix/icons/hicolor/256x256/apps" "$prefix/icons/hicolor/scalable/apps"
if [ "$here" != "$opt" ]; then
  rm -rf "$opt"
  cp -a "$here" "$opt"
fi
ln -sf "$opt/vitrina" "$HOME/.local/bin/vitrina"
cp "$opt/share/icons/vitrina-256.png" "$prefix/icons/hicolor/256x256/apps/vitrina.png"
cp "$opt/share/icons/vitrina.svg" "$prefix/icons/hicolor/scalable/apps/vitrina.svg"
# An absolute Exec: ~/.local/bin is not on every desktop session's PATH.
sed "s|^Exec=vitrina|Exec=$opt/vitrina|" "$opt/share/vitrina.desktop" > "$prefix/applications/vitrina.desktop"
# Menus refresh on their own in most desktops; these only speed it up where installed.
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database "$prefix/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t "$prefix/icons/hicolor" || true
fi
echo "Installed: $opt (menu: Vitrina; command: vitrina)"
