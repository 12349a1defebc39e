#!/bin/sh

if [ "${DEV}" = "false" ]; then
    echo "Starting test mode"
    exec /run.sh
fi

echo "Starting development mode"

# Our own supervisord.conf for both distributions (the Debian package's main file would open a
# socket and logs under /var/run and /var/log, which the non-root user 472 cannot write).
if grep -i -q alpine /etc/issue; then
    exec /usr/bin/supervisord -c /etc/supervisor.d/supervisord.ini
elif grep -i -q ubuntu /etc/issue; then
    exec /usr/bin/supervisord -c /etc/supervisor/conf.d/supervisord.conf
else
    echo 'ERROR: Unsupported base image'
    exit 1
fi
