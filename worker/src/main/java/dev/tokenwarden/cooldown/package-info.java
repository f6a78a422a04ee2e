/**
 * Cooldowns (temp-unschedulable windows): the reason format shared with sub2api, and the upstream-rejected
 * path.
 */
package dev.tokenwarden.cooldown;
