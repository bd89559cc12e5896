#!/bin/sh
# Runs once, on an empty data volume. Deliberately creates nothing: the app's
# `hestami db bootstrap` creates the hestami_owner / hestami_app roles and the
# databases through HESTAMI_ADMIN_DATABASE_URL.
echo "hestami: roles and databases are created by 'hestami db bootstrap'"
