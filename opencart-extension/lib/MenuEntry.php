<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// The module's entry in the admin menu (common/column_left), with the unread count as a badge.
namespace OcSupportDesk;

class MenuEntry {
	const ID = 'menu-oc-support-desk';
	const NAME = 'Support Desk';
	/** The badge's element ID: the module's page updates it once a ticket is read. */
	const BADGE_ID = 'oc-support-desk-unread';

	/**
	 * The menu item, in the shape of OpenCart's own. Every line's column_left template writes the name
	 * unescaped (Twig's autoescape is off), so the badge is markup; it holds nothing but an integer.
	 *
	 * @param string   $line  "3.0" (Bootstrap 3, Font Awesome 4) or "4.x" (Bootstrap 5, Font Awesome 6)
	 * @param int|null $count unread notifications; no badge when null or 0
	 * @param string   $href  the module's page, from Url::link()
	 */
	public static function build($line, $count, $href) {
		$count = (int)$count;
		$class = $line === '3.0' ? 'label label-danger' : 'badge bg-danger';
		$badge = $count > 0 ? ' <span class="' . $class . '" id="' . self::BADGE_ID . '" title="' . $count . ' unread">' . $count . '</span>' : '';

		return array(
			'id' => self::ID,
			'icon' => $line === '3.0' ? 'fa-life-ring' : 'fa-solid fa-life-ring',
			'name' => self::NAME . $badge,
			'href' => $href,
			'children' => array(),
		);
	}

	/** Right after the dashboard (first when there is none), and never twice. */
	public static function insert(array &$menus, array $entry) {
		$at = 0;

		foreach (array_values($menus) as $index => $menu) {
			if (isset($menu['id']) && $menu['id'] === self::ID) {
				return;
			}

			if (isset($menu['id']) && $menu['id'] === 'menu-dashboard') {
				$at = $index + 1;
			}
		}

		$menus = array_values($menus);
		array_splice($menus, $at, 0, array($entry));
	}
}
