<?php
// Heading
$_['heading_title']    = 'OpenCart Support Desk';

// Text
$_['text_extension']   = 'Extensions';
$_['text_home']        = 'Home';
$_['text_loading']     = 'Loading the support desk…';
$_['text_noscript']    = 'The support desk needs JavaScript.';

// Error
$_['error_permission'] = 'Warning: You do not have permission to use the OpenCart Support Desk module!';
$_['error_token']      = 'Your admin session has expired. Please reload the page and log in again.';
$_['error_internal']   = 'Your store ran into an error while doing this. The details are in OpenCart\'s error log (System > Maintenance > Error Logs).';
